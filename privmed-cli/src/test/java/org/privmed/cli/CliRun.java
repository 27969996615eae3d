package org.privmed.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs the real {@code privmed} command line in-process, as the launcher would, for CLI tests. */
final class CliRun {

  /** Exit code and everything the command printed (stdout and stderr interleaved). */
  record Result(int code, String text) {}

  private CliRun() {}

  static Result run(String... args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      code = new CommandLine(new PrivMed()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
    return new Result(code, buffer.toString(StandardCharsets.UTF_8));
  }

  /** A file under the project's {@code models/}, found from the module's working directory up. */
  static Path shippedModel(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path f = dir.resolve("models").resolve(name);
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new IllegalStateException("models/" + name + " not found");
  }
}
