package org.privmed.he.serial;

import java.io.IOException;

/**
 * Serialized HE data that cannot be accepted: truncated, corrupted, of another object type or format
 * version, made for other parameters, or holding a value outside its range. The message names what
 * is wrong and where.
 */
public final class HeFormatException extends IOException {

    public HeFormatException(String message) {
        super(message);
    }
}
