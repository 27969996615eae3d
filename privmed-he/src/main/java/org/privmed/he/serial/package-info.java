/**
 * Binary storage and transport of CKKS objects: {@link org.privmed.he.serial.HeSerializer} writes and
 * validates parameters, keys, plaintexts and ciphertexts in a framed, bit-packed format (header with
 * magic "PMHE", version, object type, parameter id, level and scale; CRC32C trailer); malformed input
 * is refused with a {@link org.privmed.he.serial.HeFormatException}.
 */
package org.privmed.he.serial;
