package org.privmed.fl.secagg;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Test-side model of which clients end up in a SecAgg+ sum, written from the protocol's rules
 * (Bell et al. 2020) rather than from the implementation: who survives each stage, which clients
 * refuse because their neighbourhood fell below t, and whether every needed secret still has t
 * shares. Returns the contributors, or null when the round must abort.
 */
final class ThresholdOracle {
    private ThresholdOracle() {}

    static int[] contributors(RoundParameters p, Map<Integer, SecAggStage> drops) {
        NeighbourGraph g = p.graph();
        int t = p.threshold();
        Set<Integer> u1 = new TreeSet<>();
        for (int id : p.clientIds()) if (!dropsAtOrBefore(drops, id, SecAggStage.ADVERTISE_KEYS)) u1.add(id);
        if (u1.size() < t) return null;
        Set<Integer> u2 = new TreeSet<>();
        for (int id : u1) {
            if (dropsAtOrBefore(drops, id, SecAggStage.SHARE_KEYS)) continue;
            if (intersect(g.neighbourhood(id), u1).size() < t) continue; // refuses: too few advertised neighbours
            u2.add(id);
        }
        if (u2.size() < t) return null;
        Set<Integer> u3 = new TreeSet<>();
        for (int id : u2) {
            if (dropsAtOrBefore(drops, id, SecAggStage.COLLECT_MASKED_INPUTS)) continue;
            if (intersect(g.neighbourhood(id), u2).size() < t) continue; // refuses: too few neighbours shared
            u3.add(id);
        }
        if (u3.size() < t) return null;
        Set<Integer> u4 = new TreeSet<>();
        for (int id : u3) {
            if (dropsAtOrBefore(drops, id, SecAggStage.UNMASK)) continue;
            Set<Integer> sharers = intersect(g.neighbourhood(id), u2);
            sharers.retainAll(u3);
            if (sharers.size() < t) continue; // refuses: too few neighbours survived
            u4.add(id);
        }
        if (u4.size() < t) return null;
        for (int s : u3) {
            if (intersect(g.neighbourhood(s), u4).size() < t) return null; // seed of s cannot be rebuilt
        }
        for (int j : u2) {
            if (u3.contains(j)) continue;
            boolean maskedWithSurvivor = false;
            for (int i : g.neighbourhood(j)) if (i != j && u3.contains(i)) maskedWithSurvivor = true;
            if (maskedWithSurvivor && intersect(g.neighbourhood(j), u4).size() < t) return null; // key of j lost
        }
        return u3.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean dropsAtOrBefore(Map<Integer, SecAggStage> drops, int id, SecAggStage stage) {
        SecAggStage d = drops.get(id);
        return d != null && d.compareTo(stage) <= 0;
    }

    private static Set<Integer> intersect(int[] a, Set<Integer> b) {
        Set<Integer> out = new HashSet<>();
        Arrays.stream(a).filter(b::contains).forEach(out::add);
        return out;
    }
}
