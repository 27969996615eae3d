package org.privmed.encode;

import org.privmed.encode.key.EncoderKey;

/** Fixed keys for reproducible tests (real keys come from SecureRandom). */
public final class TestKeys {
  private TestKeys() {}

  public static EncoderKey fixed(int tag) {
    byte[] b = new byte[EncoderKey.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (31 * i + 17 * tag + 5);
    }
    return EncoderKey.of(b);
  }
}
