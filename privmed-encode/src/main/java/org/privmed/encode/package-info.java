/** NeuraCrypt-style private encoding, training on encodings, and the re-identification audit. */
package org.privmed.encode;
