/**
 * The in-memory dataset every pipeline consumes ({@link org.privmed.data.ImageDataset}), the
 * {@link org.privmed.data.Split} names, per-channel {@link org.privmed.data.Normalization} and the
 * one exception type for bad data. Start at {@link org.privmed.data.catalog.Datasets}.
 */
package org.privmed.data;
