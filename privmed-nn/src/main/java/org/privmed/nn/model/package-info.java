/**
 * The network description, independent of any ML library: {@link org.privmed.nn.model.Model}
 * (layers + input shape + class names + normalisation + metadata) and one immutable record per
 * layer type behind the sealed {@link org.privmed.nn.model.Layer} interface. An HE compiler walks
 * {@code Model.layers()} with {@code instanceof} and reads weights as {@code double[]} in the
 * layouts documented on each record.
 */
package org.privmed.nn.model;
