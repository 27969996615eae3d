package org.privmed.encode.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.privmed.data.ImageDataset;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.Partitions;
import org.privmed.encode.format.EncodedDataset;
import org.privmed.encode.key.EncoderKey;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;

/**
 * Measures what encoding costs a model (Yala et al. 2021, the experiments section: a model trained
 * on NeuraCrypt encodings, from one or several hospitals, against one trained on the plaintext
 * data). The same patch-set transformer is trained on the raw k×k patches (the control), on one
 * hospital's encodings, and on the union of H hospitals' encodings made with independent keys; each
 * setting once per training seed, on the same train/validation/test images.
 *
 * <p>With H hospitals every split is divided among them (IID by the seed) and each hospital encodes
 * its own share of train, validation and test with its own key, as it would before publishing; the
 * model is fitted to the union and scored on every hospital's encoded test images. Rows stay in the
 * dataset's order, so each setting is scored on exactly the same images and labels.
 *
 * <p>Keys come from the caller (fresh {@link EncoderKey#generate()} keys in the command line), one
 * set per setting and seed, so the spread over seeds includes the key-to-key spread.
 */
public final class EncodingComparison {
  private EncodingComparison() {}

  /** The setting label of the plaintext control. */
  public static final String PLAINTEXT = "plaintext patches";

  /** Label of the setting with {@code hospitals} hospitals (0 = the plaintext control). */
  public static String label(int hospitals) {
    if (hospitals == 0) {
      return PLAINTEXT;
    }
    return hospitals == 1 ? "encoded, 1 hospital"
        : "encoded, " + hospitals + " hospitals (independent keys)";
  }

  /**
   * One trained model.
   *
   * @param setting {@link #label(int)}
   * @param hospitals 0 for the control, else how many keys encoded the data
   * @param seed training seed (initialisation, batch order, dropout, and the hospitals' shares)
   * @param keyFingerprints the keys used, one per hospital (empty for the control)
   * @param result epochs, kept epoch, test scores
   * @param seconds wall-clock time of encoding and training
   */
  public record Run(String setting, int hospitals, long seed, List<String> keyFingerprints,
      PatchSetResult result, double seconds) {
    public Run {
      keyFingerprints = List.copyOf(keyFingerprints);
    }
  }

  /**
   * Trains every setting in {@code hospitals} (0 = plaintext control) for every seed.
   *
   * @param copies training encodings each hospital publishes per training image ({@link
   *     OwnerAugmentation}; 1 = the image once); the control gets the same copies as raw patches
   * @param keys draws a fresh key; called once per hospital per encoded run
   * @param progress receives one line per finished run, with an ETA
   */
  public static List<Run> run(ImageDataset train, ImageDataset val, ImageDataset test,
      EncoderConfig encoder, List<Integer> hospitals, List<Long> seeds, PatchSetConfig model,
      int copies, Supplier<EncoderKey> keys, Consumer<String> progress) {
    Objects.requireNonNull(keys, "keys");
    for (int h : hospitals) {
      if (h < 0 || h > train.size() || h > test.size() || h > val.size()) {
        throw new IllegalArgumentException("hospitals " + h + " must be in [0, "
            + Math.min(val.size(), test.size()) + "] (0 = plaintext control)");
      }
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seeds");
    }
    List<Run> runs = new ArrayList<>();
    int total = hospitals.size() * seeds.size();
    long start = System.nanoTime();
    for (long seed : seeds) {
      PatchSetConfig cfg = model.withSeed(seed);
      for (int h : hospitals) {
        long t0 = System.nanoTime();
        List<EncoderKey> hk = new ArrayList<>();
        for (int i = 0; i < h; i++) {
          hk.add(keys.get());
        }
        PatchSet tr = patchSet(train, encoder, hk, seed, copies);
        PatchSet va = patchSet(val, encoder, hk, seed, 1);
        PatchSet te = patchSet(test, encoder, hk, seed, 1);
        PatchSetResult r = PatchSetTrainer.train(List.of(tr), va, te, cfg, e -> { });
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> prints = hk.stream().map(EncoderKey::fingerprint).toList();
        runs.add(new Run(label(h), h, seed, prints, r, secs));
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = elapsed / runs.size() * (total - runs.size());
        progress.accept(String.format(Locale.ROOT,
            "[%d/%d] %s, %s, seed %d: best epoch %d, validation AUROC %.4f, test AUROC %.4f,"
                + " accuracy %.4f (%.1f s; ETA %.0f s)", runs.size(), total, train.name(),
            label(h), seed, r.bestEpoch(), r.bestValidationAuroc(), r.testAuroc(),
            r.testAccuracy(), secs, eta));
      }
    }
    return runs;
  }

  /**
   * {@code data} as the given hospitals would publish it: raw patches without keys, else each image
   * encoded by the key of the hospital that the seeded IID split gives it, rows in data order. With
   * {@code copies > 1} each image is followed by its moved copies ({@link OwnerAugmentation}), which
   * its own hospital encodes: a hospital can only augment the pixels it holds.
   */
  static PatchSet patchSet(ImageDataset data, EncoderConfig encoder, List<EncoderKey> keys,
      long seed, int copies) {
    ImageDataset published = OwnerAugmentation.copies(data, copies, seed);
    if (keys.isEmpty()) {
      return PatchSet.plaintext(published, encoder);
    }
    if (keys.size() == 1) {
      return PatchSet.of(EncodedDataset.encode(new NeuraCryptEncoder(keys.get(0), encoder),
          published));
    }
    // The split is over the original images (as before augmentation), so copies stay with their
    // image's hospital and the shares do not depend on the number of copies.
    Partition parts = Partitions.iid(data.size(), keys.size(), seed);
    float[][] rows = new float[published.size()][];
    int[] rowSources = new int[published.size()];
    StringBuilder sources = new StringBuilder();
    for (int h = 0; h < keys.size(); h++) {
      NeuraCryptEncoder enc = new NeuraCryptEncoder(keys.get(h), encoder);
      int[] images = parts.client(h);
      int[] mine = new int[images.length * copies];
      for (int i = 0; i < images.length; i++) {
        for (int j = 0; j < copies; j++) {
          mine[i * copies + j] = images[i] * copies + j;
        }
      }
      float[][] encoded = enc.encodeAll(published.subset(data.name() + "@" + h, mine));
      for (int i = 0; i < mine.length; i++) {
        rows[mine[i]] = encoded[i];
        rowSources[mine[i]] = h;
      }
      sources.append(h == 0 ? "" : "+").append(enc.keyFingerprint());
    }
    return new PatchSet(data.name(), sources.toString(), encoder.patches(), encoder.width(), rows,
        published.labels().clone(), data.classNames(), rowSources);
  }
}
