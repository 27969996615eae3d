/** The versioned {@code .pm} model file: {@link org.privmed.nn.io.ModelFile}. */
package org.privmed.nn.io;
