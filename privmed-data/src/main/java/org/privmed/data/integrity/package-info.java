/** SHA-256 checksums of data files: SHA256SUMS manifests and a per-process record of verified files. */
package org.privmed.data.integrity;
