package org.privmed.encode.format;

import java.util.List;
import java.util.Objects;
import org.privmed.encode.neuracrypt.EncoderConfig;

/**
 * A published encoded dataset: one row of {@code patches × width} values per image, its label, and
 * the public encoder configuration. It carries the key's fingerprint (which hospital's key made it)
 * and never the key.
 *
 * @param name e.g. {@code pneumoniamnist/train}
 * @param config the encoder's public configuration
 * @param keyFingerprint {@link org.privmed.encode.key.EncoderKey#fingerprint()} of the key used
 * @param encodings N rows of {@code config.encodedValues()} values, patch-major
 * @param labels N class indices
 * @param classNames index = label
 */
public record EncodedDataset(String name, EncoderConfig config, String keyFingerprint,
    float[][] encodings, int[] labels, List<String> classNames) {

  public EncodedDataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    Objects.requireNonNull(encodings, "encodings");
    Objects.requireNonNull(labels, "labels");
    classNames = List.copyOf(classNames);
    if (encodings.length != labels.length) {
      throw new IllegalArgumentException("encoded dataset " + name + ": " + encodings.length
          + " encodings but " + labels.length + " labels");
    }
    if (!keyFingerprint.matches("[0-9a-f]{16}")) {
      throw new IllegalArgumentException("key fingerprint '" + keyFingerprint
          + "' is not 16 lower-case hex digits");
    }
    int values = config.encodedValues();
    for (int i = 0; i < encodings.length; i++) {
      if (encodings[i] == null || encodings[i].length != values) {
        throw new IllegalArgumentException("encoded dataset " + name + ": row " + i + " has "
            + (encodings[i] == null ? "no" : encodings[i].length) + " values, expected " + values);
      }
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException("encoded dataset " + name + ": label " + labels[i]
            + " of row " + i + " is outside [0, " + classNames.size() + ")");
      }
    }
  }

  /** Encodes every image of {@code data} with {@code encoder}; name and labels carried over. */
  public static EncodedDataset encode(org.privmed.encode.neuracrypt.NeuraCryptEncoder encoder,
      org.privmed.data.ImageDataset data) {
    Objects.requireNonNull(encoder, "encoder");
    return new EncodedDataset(data.name(), encoder.config(), encoder.keyFingerprint(),
        encoder.encodeAll(data), data.labels().clone(), data.classNames());
  }

  public int size() {
    return labels.length;
  }

  /** Encoded patches per image. */
  public int patches() {
    return config.patches();
  }

  /** Values per encoded patch. */
  public int width() {
    return config.width();
  }
}
