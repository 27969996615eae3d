package org.privmed.infer.compile;

/** A serialized {@link HeProgram} that is truncated, altered or of an unknown version. */
public final class ProgramFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ProgramFormatException(String message) {
    super(message);
  }

  public ProgramFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
