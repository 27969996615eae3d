package org.privmed.data;

/**
 * A dataset could not be loaded: missing, corrupt or truncated file, wrong shape, unknown name.
 * The message always names the file (or dataset) and what was wrong with it, because the person
 * reading it is usually looking at a command line, not a stack trace.
 */
public class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
