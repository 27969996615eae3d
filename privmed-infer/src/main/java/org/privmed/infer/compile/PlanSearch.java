package org.privmed.infer.compile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.privmed.infer.packing.DiagonalPlan;
import org.privmed.infer.packing.SlotLayout;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.Stage;

/**
 * Chooses the latency arrangement of every linear stage together: a stage's arrangement fixes
 * where its outputs sit, which decides what the next linear stage can do (spread rows leave
 * scattered outputs that only a gather reads), so the cheapest choice per stage is not always the
 * cheapest program. Depth-first over the feasible arrangements of each stage, cheapest first,
 * dropping a branch once its key-switching cost reaches the best complete program found.
 */
final class PlanSearch {
  private final List<Stage> stages;
  private final int[] levels;
  private final DiagonalPlan.KeySwitchCost cost;
  private final Map<String, DiagonalPlan> built = new HashMap<>();
  private double bestCost = Double.POSITIVE_INFINITY;
  private DiagonalPlan[] best;

  private PlanSearch(List<Stage> stages, int[] levels, DiagonalPlan.KeySwitchCost cost) {
    this.stages = stages;
    this.levels = levels;
    this.cost = cost;
  }

  /** One plan per linear stage (null for polynomial stages), of least total key-switching cost. */
  static DiagonalPlan[] choose(List<Stage> stages, int[] levels, SlotLayout input,
      DiagonalPlan.KeySwitchCost cost) {
    PlanSearch s = new PlanSearch(stages, levels, cost);
    s.search(0, input, new DiagonalPlan[stages.size()], 0);
    if (s.best == null) {
      throw new IllegalArgumentException("no latency arrangement fits every linear stage in "
          + input.slots() + " slots; a larger ring degree or the throughput packing is needed");
    }
    return s.best;
  }

  private void search(int i, SlotLayout in, DiagonalPlan[] chosen, double spent) {
    if (spent >= bestCost) {
      return;
    }
    if (i == stages.size()) {
      bestCost = spent;
      best = chosen.clone();
      return;
    }
    if (!(stages.get(i) instanceof LinearStage l)) {
      search(i + 1, in, chosen, spent);
      return;
    }
    List<DiagonalPlan.Spec> specs = new ArrayList<>(DiagonalPlan.specs(l, in));
    specs.sort(Comparator.comparingDouble(sp -> sp.cost(cost, levels[i])));
    for (DiagonalPlan.Spec sp : specs) {
      double c = spent + sp.cost(cost, levels[i]);
      if (c >= bestCost) {
        break;
      }
      String key = i + " " + sp + " " + in.period() + " " + in.blocks() + " "
          + Arrays.hashCode(in.map());
      DiagonalPlan plan = built.computeIfAbsent(key, k -> DiagonalPlan.build(l, in, sp));
      chosen[i] = plan;
      search(i + 1, plan.output(), chosen, c);
      chosen[i] = null;
    }
  }
}
