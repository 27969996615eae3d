package org.privmed.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.Partitions;
import org.privmed.encode.audit.Audit;
import org.privmed.encode.audit.AuditResult;
import org.privmed.encode.audit.ReidentificationAttack;
import org.privmed.encode.format.EncodedDataset;
import org.privmed.encode.format.EncodedFile;
import org.privmed.encode.key.EncoderKey;
import org.privmed.encode.key.KeyFiles;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;
import org.privmed.encode.train.ComparisonReport;
import org.privmed.encode.train.EncodingComparison;
import org.privmed.encode.train.OwnerAugmentation;
import org.privmed.encode.train.PatchSet;
import org.privmed.encode.train.PatchSetConfig;
import org.privmed.encode.train.PatchSetResult;
import org.privmed.encode.train.PatchSetTrainer;
import org.privmed.eval.report.Report;
import org.privmed.eval.report.ReportWriter;
import org.privmed.nn.train.LearningRateSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code privmed encode}: NeuraCrypt-style private encoding (keygen, run, audit). Run without a
 * subcommand it behaves as {@code encode run}. Every command first prints a one-line warning that
 * points to the audit, because the encoding is not encryption.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "NeuraCrypt-style private encoding of a dataset (NOT encryption: see"
        + " 'privmed encode audit' and docs/privacy.md).",
    subcommands = {EncodeCommand.Keygen.class, EncodeCommand.Run.class, EncodeCommand.AuditCmd.class,
        EncodeCommand.TrainCmd.class, EncodeCommand.BenchCmd.class})
final class EncodeCommand implements Callable<Integer> {
  static final String WARNING = "WARNING: NeuraCrypt encodings are re-identifiable (Carlini et al."
      + " 2021) - this is not encryption; run 'privmed encode audit' and read docs/privacy.md"
      + " before publishing.";

  @Mixin EncodeOptions options;

  @Override
  public Integer call() {
    return options.encode();
  }

  static void warn() {
    System.err.println(WARNING);
  }

  /** Encoder shape options shared by run and audit. */
  static final class ShapeOptions {
    @Option(names = "--patch", description = "Patch side k (default: 7 for <=32x32 images, else 8).")
    Integer patch;

    @Option(names = "--width", description = "Encoder width (default: 64 small, 128 large images).")
    Integer width;

    @Option(names = "--depth", description = "Number of [1x1 conv, norm, ReLU] blocks (default:"
        + " 2 small, 3 large images).")
    Integer depth;

    @Option(names = "--position-scale", description = "Std of the positional embedding"
        + " (default: 1.0).")
    Double positionScale;

    @Option(names = "--no-shuffle", description = "Do not permute each image's patches.")
    boolean noShuffle;

    EncoderConfig config(ImageDataset d) {
      EncoderConfig def = EncoderConfig.defaults(d.channels(), d.height(), d.width());
      return new EncoderConfig(d.channels(), d.height(), d.width(),
          patch != null ? patch : def.patch(), width != null ? width : def.width(),
          depth != null ? depth : def.depth(),
          positionScale != null ? positionScale : def.positionScale(), !noShuffle);
    }
  }

  /** The options of {@code encode} / {@code encode run}. */
  static final class EncodeOptions {
    @Option(names = "--key", description = "Key file (privmed encode keygen), required."
        + " Repeat for several hospitals: each split is divided among them (IID, seed 42) and each"
        + " part encoded with its hospital's key into <out>/<key-name>/.")
    List<Path> keys;

    @Option(names = "--data",
        description = "Shipped dataset name or a path (as for privmed train), required.")
    String data;

    @Option(names = "--out", defaultValue = "encoded",
        description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--split", defaultValue = "all",
        description = "train, val, test or all (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--force", description = "Overwrite existing encoded files.")
    boolean force;

    @Option(names = "--copies", defaultValue = "1",
        description = "Encodings published per training image: the image and copies-1 randomly"
            + " moved copies (shift, mirror, small rotation; validation and test once). Gives an"
            + " attacker several looks at each image (docs/privacy.md) (default: ${DEFAULT-VALUE}).")
    int copies;

    @Mixin ShapeOptions shape;

    Integer encode() {
      warn();
      // Not picocli-required: the parent 'encode' shares these options, and required parent
      // options would be demanded even for 'encode keygen'.
      if (keys == null || keys.isEmpty() || data == null) {
        System.err.println("privmed encode: --key and --data are required (see privmed encode"
            + " --help)");
        return 2;
      }
      List<Split> splits;
      try {
        splits = "all".equalsIgnoreCase(split) ? List.of(Split.TRAIN, Split.VAL, Split.TEST)
            : List.of(Split.valueOf(split.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        System.err.println("privmed encode: unknown split '" + split
            + "' (train, val, test or all)");
        return 2;
      }
      if (copies < 1) {
        System.err.println("privmed encode: --copies " + copies + " must be at least 1");
        return 2;
      }
      List<EncoderKey> loaded = new ArrayList<>();
      try {
        for (Path k : keys) {
          loaded.add(KeyFiles.read(k));
        }
      } catch (IOException e) {
        System.err.println("privmed encode: " + e.getMessage());
        return 2;
      }
      String stem = Path.of(data).getFileName().toString().replaceFirst("\\.npz$", "");
      try {
        for (Split s : splits) {
          ImageDataset d = Datasets.load(data, s);
          EncoderConfig cfg = shape.config(d);
          Partition parts = Partitions.iid(d.size(), loaded.size(), 42);
          for (int h = 0; h < loaded.size(); h++) {
            ImageDataset share = loaded.size() == 1 ? d
                : d.subset(d.name() + "@" + hospital(keys.get(h)), parts.client(h));
            // Moves drawn afresh by the hospital: nobody else needs to know or repeat them.
            ImageDataset part = s == Split.TRAIN
                ? OwnerAugmentation.copies(share, copies, new SecureRandom().nextLong()) : share;
            NeuraCryptEncoder enc = new NeuraCryptEncoder(loaded.get(h), cfg);
            long t0 = System.nanoTime();
            EncodedDataset e = EncodedDataset.encode(enc, part);
            Path dir = loaded.size() == 1 ? out : out.resolve(hospital(keys.get(h)));
            Path file = dir.resolve(stem + "-" + s.npzPrefix() + ".pme");
            EncodedFile.write(e, file, force);
            System.out.printf(Locale.ROOT,
                "%s: %,d images -> %s (%d patches x %d, depth %d, shuffle %b, key %s) in %.2f s%n",
                part.name(), part.size(), file, cfg.patches(), cfg.width(), cfg.depth(),
                cfg.shuffle(), enc.keyFingerprint(), (System.nanoTime() - t0) / 1e9);
          }
        }
        return 0;
      } catch (FileAlreadyExistsException e) {
        System.err.println("privmed encode: " + e.getFile() + " exists; pass --force to overwrite");
        return 2;
      } catch (IOException | RuntimeException e) {
        System.err.println("privmed encode: " + e.getMessage());
        return 2;
      }
    }

    private static String hospital(Path key) {
      return key.getFileName().toString().replaceFirst("\\.key$", "");
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Encode a dataset's splits with one key (or several hospitals' keys).")
  static final class Run implements Callable<Integer> {
    @Mixin EncodeOptions options;

    @Override
    public Integer call() {
      return options.encode();
    }
  }

  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = "Generate a 32-byte encoder key from SecureRandom into a 0600 key file.")
  static final class Keygen implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Key file to create.")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing key file (the old key is lost).")
    boolean force;

    @Override
    public Integer call() {
      warn();
      try {
        EncoderKey key = EncoderKey.generate();
        KeyFiles.write(key, out, force);
        System.out.println("wrote " + out + " (fingerprint " + key.fingerprint() + ")");
        return 0;
      } catch (FileAlreadyExistsException e) {
        System.err.println("privmed encode keygen: " + out + " exists; pass --force to replace it");
        return 2;
      } catch (IOException e) {
        System.err.println("privmed encode keygen: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = "Re-identification attack (Carlini et al. 2021) against this key's encoder:"
          + " top-1 accuracy of matching encodings to candidate plaintexts.")
  static final class AuditCmd implements Callable<Integer> {
    @Option(names = "--key", required = true, description = "Key file.")
    Path key;

    @Option(names = "--data", required = true, description = "Dataset name or path.")
    String data;

    @Option(names = "--split", defaultValue = "test",
        description = "train, val or test: where the candidates come from (default:"
            + " ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--candidates", defaultValue = "200",
        description = "Candidate-set size (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--seed", defaultValue = "7",
        description = "Chooses the candidates and their hidden order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sweep", description = "Also audit depths 0,1,2,4 x widths 32,64,256 x"
        + " shuffle on/off with the same key and candidates.")
    boolean sweep;

    @Option(names = "--json", description = "Print one JSON object ending with depth, width,"
        + " shuffle, candidates, reidentified, accuracy.")
    boolean json;

    @Option(names = "--attack", defaultValue = "patch", description = "patch: compare images"
        + " position by position (default); image: whole-image distances (the earlier, weaker"
        + " attack, for comparison).")
    String attack;

    @Mixin ShapeOptions shape;

    @Override
    public Integer call() {
      warn();
      try {
        EncoderKey k = KeyFiles.read(key);
        Split part;
        try {
          part = Split.valueOf(split.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          System.err.println("privmed encode audit: unknown split '" + split
              + "' (train, val or test)");
          return 2;
        }
        ImageDataset d = Datasets.load(data, part);
        EncoderConfig cfg = shape.config(d);
        if (!attack.equals("patch") && !attack.equals("image")) {
          System.err.println("privmed encode audit: unknown attack '" + attack
              + "' (patch or image)");
          return 2;
        }
        ReidentificationAttack.Options opts = ReidentificationAttack.Options.defaults()
            .withPatchwise(attack.equals("patch"));
        int[] depths = {0, 1, 2, 4};
        int[] widths = {32, 64, 256};
        int gridCells = depths.length * widths.length * 2;
        long t0 = System.nanoTime();
        List<AuditResult> grid = sweep
            ? Audit.sweep(k, cfg, d, candidates, seed, depths, widths, new boolean[] {true, false},
                opts, new java.util.function.Consumer<>() {
                  private int done;

                  @Override
                  public void accept(AuditResult r) {
                    done++;
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    // Progress on stderr so that --json output stays one object.
                    System.err.printf(Locale.ROOT, "[%d/%d] depth %d, width %d, shuffle %s:"
                        + " %d / %d re-identified (%.0f s; ETA %.0f s)%n", done, gridCells,
                        r.config().depth(), r.config().width(), r.config().shuffle() ? "on" : "off",
                        r.reidentified(), r.candidates(), elapsed,
                        elapsed / done * (gridCells - done));
                  }
                })
            : List.of();
        AuditResult main = Audit.run(k, cfg, d, candidates, seed, opts);
        if (json) {
          JsonObject o = new JsonObject();
          o.addProperty("dataset", d.name());
          o.addProperty("keyFingerprint", k.fingerprint());
          o.addProperty("patch", cfg.patch());
          o.addProperty("attack", attack);
          JsonArray stages = new JsonArray();
          for (int i = 0; i < main.stages().size(); i++) {
            JsonObject st = new JsonObject();
            st.addProperty("stage", main.stages().get(i));
            st.addProperty("reidentified", main.correctAfterStage().get(i));
            stages.add(st);
          }
          o.add("stages", stages);
          o.addProperty("positionsRecovered", main.positionsRecovered());
          if (sweep) {
            JsonArray cells = new JsonArray();
            grid.forEach(r -> cells.add(summary(r)));
            o.add("sweep", cells);
          }
          summary(main).entrySet().forEach(en -> o.add(en.getKey(), en.getValue()));
          Gson gson = new GsonBuilder().disableHtmlEscaping().create();
          System.out.println(gson.toJson(o));
        } else {
          System.out.printf(Locale.ROOT,
              "audit of key %s on %s (%s attack): %d candidates, chance 1/%d%n", k.fingerprint(),
              d.name(), attack, candidates, candidates);
          if (cfg.shuffle()) {
            System.out.printf(Locale.ROOT, "  patch shuffle undone for %.1f %% of patches%n",
                100 * main.positionsRecovered());
          }
          for (int i = 0; i < main.stages().size(); i++) {
            System.out.printf(Locale.ROOT, "  %-42s %4d / %d%n", main.stages().get(i),
                main.correctAfterStage().get(i), candidates);
          }
          if (sweep) {
            System.out.println();
            System.out.println("| depth | width | shuffle | positions recovered | re-identified"
                + " | accuracy |");
            System.out.println("|------:|------:|:-------:|--------------------:|--------------:"
                + "|---------:|");
            for (AuditResult r : grid) {
              System.out.printf(Locale.ROOT, "| %d | %d | %s | %s | %d / %d | %.3f |%n",
                  r.config().depth(), r.config().width(), r.config().shuffle() ? "on" : "off",
                  r.config().shuffle() ? String.format(Locale.ROOT, "%.1f %%",
                      100 * r.positionsRecovered()) : "n/a",
                  r.reidentified(), r.candidates(), r.accuracy());
            }
            System.out.println();
          }
          System.out.printf(Locale.ROOT,
              "depth %d, width %d, shuffle %s: re-identified %d of %d (top-1 accuracy %.3f)%n",
              cfg.depth(), cfg.width(), cfg.shuffle() ? "on" : "off", main.reidentified(),
              candidates, main.accuracy());
        }
        return 0;
      } catch (IOException | RuntimeException e) {
        System.err.println("privmed encode audit: " + e.getMessage());
        return 2;
      }
    }

    private static JsonObject summary(AuditResult r) {
      // Sweep cells carry the same six keys, in the same order, as the closing summary.
      JsonObject o = new JsonObject();
      o.addProperty("depth", r.config().depth());
      o.addProperty("width", r.config().width());
      o.addProperty("shuffle", r.config().shuffle());
      o.addProperty("candidates", r.candidates());
      o.addProperty("reidentified", r.reidentified());
      o.addProperty("accuracy", r.accuracy());
      return o;
    }
  }

  // Named "fit", not "train": picocli would read "--split train" as this subcommand.
  @Command(name = "fit", mixinStandardHelpOptions = true,
      description = "Train a permutation-invariant patch-set transformer on encoded files (DJL,"
          + " PyTorch CPU) and report validation and test AUROC.")
  static final class TrainCmd implements Callable<Integer> {
    @Option(names = "--train", required = true,
        description = "Encoded training file(s); repeat for several hospitals.")
    List<Path> train;

    @Option(names = "--val", description = "Encoded validation file (picks the best epoch).")
    Path val;

    @Option(names = "--test", description = "Encoded test file.")
    Path test;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin ModelOptions model;

    @Override
    public Integer call() {
      warn();
      try {
        List<PatchSet> sets = new ArrayList<>();
        for (Path p : train) {
          sets.add(PatchSet.of(EncodedFile.read(p)));
        }
        PatchSet v = val == null ? null : PatchSet.of(EncodedFile.read(val));
        PatchSet t = test == null ? null : PatchSet.of(EncodedFile.read(test));
        PatchSetConfig cfg = model.config(seed);
        PatchSetResult r = PatchSetTrainer.train(sets, v, t, cfg, e -> System.out.printf(
            Locale.ROOT, "epoch %d: train loss %.4f, val acc %.4f, val AUROC %.4f%n", e.epoch(),
            e.trainLoss(), e.validationAccuracy(), e.validationAuroc()));
        System.out.printf(Locale.ROOT, "best epoch %d; test acc %.4f, test AUROC %.4f%n",
            r.bestEpoch(), r.testAccuracy(), r.testAuroc());
        return 0;
      } catch (IOException | RuntimeException e) {
        System.err.println("privmed encode fit: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Train the patch-set transformer on plaintext patches, on one hospital's"
          + " encodings and on several hospitals' encodings (independent fresh keys), over several"
          + " seeds; print mean +- sd and write a Markdown/JSON/PNG report per dataset.")
  static final class BenchCmd implements Callable<Integer> {
    @Option(names = "--data", split = ",", defaultValue = "pneumoniamnist,breastmnist",
        description = "Datasets, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> data;

    @Option(names = "--hospitals", split = ",", defaultValue = "0,1,3",
        description = "Settings: 0 = plaintext patches, H = encoded by H hospitals with"
            + " independent keys (default: ${DEFAULT-VALUE}).")
    List<Integer> hospitals;

    @Option(names = "--seeds", split = ",", defaultValue = "42,43,44",
        description = "Training seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--copies", defaultValue = "1",
        description = "Training encodings each hospital publishes per training image: the image"
            + " and copies-1 randomly moved copies, encoded with its key; the plaintext control"
            + " gets the same copies (default: ${DEFAULT-VALUE}).")
    int copies;

    @Mixin ModelOptions modelOptions;

    @Option(names = "--reports", defaultValue = "reports",
        description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path reports;

    @Mixin ShapeOptions shape;

    @Override
    public Integer call() {
      warn();
      String command = "privmed encode bench --data " + String.join(",", data) + " --hospitals "
          + join(hospitals) + " --seeds " + join(seeds) + modelOptions.flags()
          + (copies == 1 ? "" : " --copies " + copies);
      StringBuilder tables = new StringBuilder();
      try {
        PatchSetConfig model = modelOptions.config(seeds.get(0));
        for (String name : data) {
          ImageDataset tr = Datasets.load(name, Split.TRAIN);
          ImageDataset va = Datasets.load(name, Split.VAL);
          ImageDataset te = Datasets.load(name, Split.TEST);
          EncoderConfig cfg = shape.config(tr);
          long t0 = System.nanoTime();
          List<EncodingComparison.Run> runs = EncodingComparison.run(tr, va, te, cfg, hospitals,
              seeds, model, copies, EncoderKey::generate, System.out::println);
          String stem = Path.of(name).getFileName().toString().replaceFirst("\\.npz$", "");
          Report report = ComparisonReport.report(te, runs, java.util.Map.of(
              "command", command,
              "encoder", String.format(Locale.ROOT, "patch %d, width %d, depth %d, shuffle %b",
                  cfg.patch(), cfg.width(), cfg.depth(), cfg.shuffle()),
              "model", String.format(Locale.ROOT, "patch-set transformer, embed %d, %d blocks,"
                  + " dropout %s, Adam %s (%s, weight decay %s), label smoothing %s, batch %d,"
                  + " %d epochs, best validation AUROC kept, %s input, %d training copies",
                  model.embed(), model.layers(), model.dropout(), model.learningRate(),
                  model.schedule().name().toLowerCase(Locale.ROOT), model.weightDecay(),
                  model.labelSmoothing(), model.batchSize(), model.epochs(),
                  modelOptions.input + (model.input() == PatchSetConfig.Input.PER_KEY_WHITEN
                      ? " (shrinkage " + model.whitenShrinkage() + ")" : ""), copies),
              "seconds", String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9)));
          List<Path> files = ReportWriter.write(report, reports,
              ("encode-bench-" + stem).replaceAll("[^A-Za-z0-9._-]", "_"));
          String table = ComparisonReport.markdown(stem, ComparisonReport.summarise(runs), null);
          System.out.println(table);
          System.out.println("report: " + files.get(0) + " (+ " + (files.size() - 1)
              + " more files)");
          tables.append(table).append('\n');
        }
        System.out.println(tables.toString().stripTrailing());
        System.out.println();
        System.out.println("`" + command + "`");
        return 0;
      } catch (IOException | RuntimeException e) {
        System.err.println("privmed encode bench: " + e.getMessage());
        return 2;
      }
    }

    private static String join(List<? extends Number> xs) {
      return String.join(",", xs.stream().map(String::valueOf).toList());
    }
  }

  /** The patch-set transformer's options, shared by fit and bench. */
  static final class ModelOptions {
    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.001",
        description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-schedule", defaultValue = "constant",
        description = "constant or cosine (annealed to 0 over all steps) (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--batch-size", defaultValue = "64",
        description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--embed", defaultValue = "64",
        description = "Token width, a multiple of 4 heads (default: ${DEFAULT-VALUE}).")
    int embed;

    @Option(names = "--dropout", defaultValue = "0.1",
        description = "Dropout in the transformer blocks (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--weight-decay", defaultValue = "0",
        description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--label-smoothing", defaultValue = "0",
        description = "Label smoothing epsilon in [0, 1) (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--threads", defaultValue = "1",
        description = "PyTorch threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--input", defaultValue = "shared",
        description = "How rows of different keys enter the model: shared, per-key-norm"
            + " (standardised with each key's own statistics), per-key-adapter (also one input"
            + " projection per key), per-key-whiten (each key's patches ZCA-whitened with its"
            + " own training mean and covariance) or per-key-center (each key's patches minus"
            + " the mean of their position group, found by the audit's clustering without the"
            + " key; the plaintext control is only standardised) or per-key-group-norm (as"
            + " per-key-center, also divided by each group's spread) (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--whiten-shrinkage", defaultValue = "0.1",
        description = "With --input per-key-whiten: ridge added to each key's patch covariance,"
            + " as a fraction of its average variance (> 0) (default: ${DEFAULT-VALUE}).")
    double whitenShrinkage;

    /** The configuration these options give; bad values get a message naming them. */
    PatchSetConfig config(long seed) {
      PatchSetConfig d = PatchSetConfig.defaults();
      LearningRateSchedule s = switch (schedule) {
        case "constant" -> LearningRateSchedule.CONSTANT;
        case "cosine" -> LearningRateSchedule.COSINE;
        default -> throw new IllegalArgumentException("unknown --lr-schedule '" + schedule
            + "' (constant or cosine)");
      };
      return new PatchSetConfig(embed, d.heads(), 2 * embed, d.layers(), dropout, lr, batchSize,
          epochs, seed, threads, inputMode(input), weightDecay, labelSmoothing, s,
          whitenShrinkage);
    }

    /** The options as command-line flags, those left at their defaults omitted except epochs. */
    String flags() {
      StringBuilder b = new StringBuilder(" --epochs " + epochs);
      PatchSetConfig d = PatchSetConfig.defaults();
      if (lr != d.learningRate()) {
        b.append(" --lr ").append(lr);
      }
      if (!schedule.equals("constant")) {
        b.append(" --lr-schedule ").append(schedule);
      }
      if (batchSize != d.batchSize()) {
        b.append(" --batch-size ").append(batchSize);
      }
      if (embed != d.embed()) {
        b.append(" --embed ").append(embed);
      }
      if (dropout != d.dropout()) {
        b.append(" --dropout ").append(dropout);
      }
      if (weightDecay != 0) {
        b.append(" --weight-decay ").append(weightDecay);
      }
      if (labelSmoothing != 0) {
        b.append(" --label-smoothing ").append(labelSmoothing);
      }
      b.append(" --threads ").append(threads);
      if (!input.equals("shared")) {
        b.append(" --input ").append(input);
      }
      if (whitenShrinkage != d.whitenShrinkage()) {
        b.append(" --whiten-shrinkage ").append(whitenShrinkage);
      }
      return b.toString();
    }
  }

  /** The trainer's input mode for a {@code --input} value; bad values get a message. */
  static PatchSetConfig.Input inputMode(String name) {
    return switch (name) {
      case "shared" -> PatchSetConfig.Input.SHARED;
      case "per-key-norm" -> PatchSetConfig.Input.PER_KEY_NORM;
      case "per-key-adapter" -> PatchSetConfig.Input.PER_KEY_ADAPTER;
      case "per-key-whiten" -> PatchSetConfig.Input.PER_KEY_WHITEN;
      case "per-key-center" -> PatchSetConfig.Input.PER_KEY_CENTER;
      case "per-key-group-norm" -> PatchSetConfig.Input.PER_KEY_GROUP_NORM;
      default -> throw new IllegalArgumentException("unknown --input '" + name
          + "' (shared, per-key-norm, per-key-adapter, per-key-whiten, per-key-center or"
          + " per-key-group-norm)");
    };
  }
}
