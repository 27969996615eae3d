package org.privmed.nn.io;

import java.io.IOException;

/** A model file that is not a valid {@code .pm} file: wrong magic, version, checksum or content. */
public final class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
