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
   * @param keys draws a fresh key; called once per hospital per encoded run
   * @param progress receives one line per finished run, with an ETA
   */
  public static List<Run> run(ImageDataset train, ImageDataset val, ImageDataset test,
      EncoderConfig encoder, List<Integer> hospitals, List<Long> seeds, PatchSetConfig model,
      Supplier<EncoderKey> keys, Consumer<String> progress) {
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
        PatchSet tr = patchSet(train, encoder, hk, seed);
        PatchSet va = patchSet(val, encoder, hk, seed);
        PatchSet te = patchSet(test, encoder, hk, seed);
        PatchSetResult r = PatchSetTrainer.train(List.of(tr), va, te, cfg, e -> { });
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> prints = hk.stream().map(EncoderKey::fingerprint).toList();
        runs.add(new Run(label(h), h, seed, prints, r, secs));
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = elapsed / runs.size() * (total - runs.size());
        progress.accept(String.format(Locale.ROOT,
            "[%d/%d] %s, %s, seed %d: best epoch %d, test AUROC %.4f, accuracy %.4f (%.1f s; ETA"
                + " %.0f s)", runs.size(), total, train.name(), label(h), seed, r.bestEpoch(),
            r.testAuroc(), r.testAccuracy(), secs, eta));
      }
    }
    return runs;
  }

  /**
   * {@code data} as the given hospitals would publish it: raw patches without keys, else row i
   * encoded by the key of the hospital that the seeded IID split gives it, rows in data order.
   */
  static PatchSet patchSet(ImageDataset data, EncoderConfig encoder, List<EncoderKey> keys,
      long seed) {
    if (keys.isEmpty()) {
      return PatchSet.plaintext(data, encoder);
    }
    if (keys.size() == 1) {
      return PatchSet.of(EncodedDataset.encode(new NeuraCryptEncoder(keys.get(0), encoder), data));
    }
    Partition parts = Partitions.iid(data.size(), keys.size(), seed);
    float[][] rows = new float[data.size()][];
    int[] rowSources = new int[data.size()];
    StringBuilder sources = new StringBuilder();
    for (int h = 0; h < keys.size(); h++) {
      NeuraCryptEncoder enc = new NeuraCryptEncoder(keys.get(h), encoder);
      int[] mine = parts.client(h);
      float[][] encoded = enc.encodeAll(data.subset(data.name() + "@" + h, mine));
      for (int i = 0; i < mine.length; i++) {
        rows[mine[i]] = encoded[i];
        rowSources[mine[i]] = h;
      }
      sources.append(h == 0 ? "" : "+").append(enc.keyFingerprint());
    }
    return new PatchSet(data.name(), sources.toString(), encoder.patches(), encoder.width(), rows,
        data.labels().clone(), data.classNames(), rowSources);
  }
}
