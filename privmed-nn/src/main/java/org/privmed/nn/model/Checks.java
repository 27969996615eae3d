package org.privmed.nn.model;

/** Argument checks shared by the layer records; messages name the layer and the bad value. */
final class Checks {
  private Checks() {}

  static void positive(String layer, String what, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(layer + ": " + what + " must be positive, got " + value);
    }
  }

  static void length(String layer, String what, double[] array, long expected) {
    if (array == null) {
      throw new IllegalArgumentException(layer + ": " + what + " is null");
    }
    if (array.length != expected) {
      throw new IllegalArgumentException(layer + ": " + what + " has " + array.length
          + " values, expected " + expected);
    }
    for (int i = 0; i < array.length; i++) {
      if (!Double.isFinite(array[i])) {
        throw new IllegalArgumentException(
            layer + ": " + what + "[" + i + "] is not finite (" + array[i] + ")");
      }
    }
  }

  static void finite(String layer, String what, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(layer + ": " + what + " is not finite (" + value + ")");
    }
  }
}
