package org.privmed.nn.train;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar with rate and ETA, redrawn in place on a terminal stream. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private long lastDraw;

  ProgressBar(PrintStream out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
  }

  void update(long done, String suffix) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    double frac = Math.min(1, (double) done / total);
    int filled = (int) Math.round(frac * WIDTH);
    double elapsed = (now - start) / 1e9;
    double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
    out.print(String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%% %d/%d %s elapsed %s eta %s",
        label, "=".repeat(filled), " ".repeat(WIDTH - filled), 100 * frac, done, total, suffix,
        clock(elapsed), clock(eta)));
    out.flush();
  }

  void finish() {
    out.println();
    out.flush();
  }

  static String clock(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "--:--";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
