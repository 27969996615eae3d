/** The shipped datasets under data/, name and path resolution, checksum-verified loading. */
package org.privmed.data.catalog;
