package org.privmed.he.serial;

/** The kind of object a serialized blob holds; the code is the header byte. */
public enum ObjectType {
    PARAMETERS(1),
    SECRET_KEY(2),
    PUBLIC_KEY(3),
    RELINEARIZATION_KEY(4),
    GALOIS_KEYS(5),
    PLAINTEXT(6),
    CIPHERTEXT(7),
    BFV_PARAMETERS(8),
    BFV_PLAINTEXT(9),
    BFV_CIPHERTEXT(10);

    private final int code;

    ObjectType(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    static ObjectType fromCode(int code) throws HeFormatException {
        for (ObjectType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new HeFormatException("unknown object type code " + code);
    }
}
