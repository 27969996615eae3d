/** The MNIST IDX format (gzip or raw) and MNIST-style folders of IDX files. */
package org.privmed.data.idx;
