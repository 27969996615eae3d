package org.privmed.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.Normalization;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.infer.bfv.BfvCompiler;
import org.privmed.infer.bfv.BfvProgram;
import org.privmed.infer.compile.CompileOptions;
import org.privmed.infer.compile.HeCompiler;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code privmed compile}: compile a model to a CKKS program and print or save the plan. */
@Command(name = "compile", mixinStandardHelpOptions = true,
    description = {"Compile a trained model (.pm) to a CKKS program: packing, levels, rotations,",
        "keys and parameters chosen from the model's depth and calibrated value ranges."})
final class CompileCommand implements Callable<Integer> {

  @Option(names = "--model", required = true,
      description = "A .pm model file, or a zoo name (random weights, for planning only).")
  String model;

  @Option(names = "--packing", defaultValue = "latency", description = "latency or throughput.")
  String packing;

  @Option(names = "--data", description = "Calibration dataset (default: the validation split of"
      + " the model's training data, from its metadata, as privmed serve; random images for zoo names).")
  String data;

  @Option(names = "--calibration-images", defaultValue = "0",
      description = "Calibration images (default: what privmed serve uses — 256 validation images"
          + " for CKKS, 1000 training images for BFV).")
  int calibrationImages;

  @Option(names = "--explain", description = "Print the plan.")
  boolean explain;

  @Option(names = "--out", description = "Write the compiled program here (.hep; CKKS only).")
  Path out;

  @Option(names = "--scheme", defaultValue = "ckks",
      description = "ckks (approximate, default) or bfv (exact integers: quantized network, CRT"
          + " plaintext primes; throughput packing only).")
  String scheme;

  @Override
  public Integer call() {
    try {
      Packing p = Packing.parse(packing);
      boolean bfv = "bfv".equalsIgnoreCase(scheme);
      // the split privmed serve calibrates with (BFV: training, CKKS: validation), so that the
      // plan shown is the plan served
      Split split = bfv ? Split.TRAIN : Split.VAL;
      ImageDataset cal = data == null ? null : Datasets.load(data, split);
      Model m = loadModel(model, cal);
      String trained = ServeCommand.trainingData(m);
      if (cal == null && trained != null) {
        cal = Datasets.load(trained, split);
      }
      if (bfv) {
        return compileBfv(p, m, cal);
      }
      if (!"ckks".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("unknown --scheme '" + scheme + "'; use ckks or bfv");
      }
      CompileOptions opts = CompileOptions.defaults();
      opts = new CompileOptions(opts.minLogN(), opts.maxLogN(), opts.maxScaleBits(),
          opts.minScaleBits(), opts.targetError(),
          calibrationImages > 0 ? calibrationImages : opts.calibrationImages());
      HeProgram prog = HeCompiler.compile(m, p, opts, cal);
      if (explain || out == null) {
        System.out.print(prog.explain());
      }
      if (out != null) {
        Files.write(out, prog.toBytes());
        System.err.println("privmed compile: wrote " + out);
      }
      return 0;
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("privmed compile: " + e.getMessage());
      return 2;
    }
  }

  private int compileBfv(Packing p, Model m, ImageDataset cal) {
    if (p != Packing.THROUGHPUT) {
      throw new IllegalArgumentException("--scheme bfv has the throughput packing only (CryptoNets:"
          + " slot b = image b); add --packing throughput");
    }
    if (out != null) {
      throw new IllegalArgumentException("--out writes CKKS programs only; BFV programs are compiled"
          + " where they run");
    }
    if (cal == null) {
      throw new IllegalArgumentException("--scheme bfv sizes its plaintext primes from a dry run:"
          + " give --data (or a model whose metadata names its training data)");
    }
    BfvCompiler.Options d = BfvCompiler.Options.defaults();
    BfvProgram prog = BfvCompiler.compile(m, cal, new BfvCompiler.Options(
        calibrationImages > 0 ? calibrationImages : d.calibrationImages(),
        d.minBits(), d.maxBits(), d.marginBits(), d.minBudget(), d.minLogN()));
    System.out.print(prog.explain());
    return 0;
  }

  /**
   * A .pm file if {@code spec} names one, else a zoo model with random weights shaped for
   * {@code data} (or 1×28×28 and 10 classes), its normalisation fitted to {@code data}.
   */
  static Model loadModel(String spec, ImageDataset data) throws java.io.IOException {
    Path path = Path.of(spec);
    if (Files.isRegularFile(path)) {
      return ModelFile.read(path);
    }
    if (!ModelZoo.names().contains(spec)) {
      throw new IllegalArgumentException("--model " + spec + " is neither a file nor a zoo name "
          + ModelZoo.names());
    }
    TensorShape shape = data == null ? new TensorShape(1, 28, 28)
        : new TensorShape(data.channels(), data.height(), data.width());
    List<String> classes = data == null
        ? List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9") : data.classNames();
    Model m = ModelZoo.build(spec, shape, classes, ZooOptions.defaults());
    return data == null ? m : m.withNormalization(Normalization.fit(data));
  }
}
