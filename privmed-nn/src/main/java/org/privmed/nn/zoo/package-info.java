/** Named, seeded, shape-parameterised networks with their sources: {@link org.privmed.nn.zoo.ModelZoo}. */
package org.privmed.nn.zoo;
