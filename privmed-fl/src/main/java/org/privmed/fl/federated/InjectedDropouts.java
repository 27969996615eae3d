package org.privmed.fl.federated;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.privmed.fl.secagg.SecAggStage;

/**
 * Fault injection for the in-process simulation: in every SecAgg+ round, round(fraction·m) of the m
 * clients that trained go silent from {@code stage} on (Bell et al. 2020's dropout model: a client
 * that stops answering at some stage and never comes back within the round). The victims are drawn
 * from (seed, round), so a resumed run drops the same clients; they go through the same driver path
 * as a hospital whose reply never arrives over gRPC ({@code SecAggRoundDriver}). Not a privacy
 * mechanism, so an ordinary seeded generator is enough.
 *
 * @param fraction share of each round's clients to silence, in [0, 1)
 * @param stage the first stage they do not answer (null only when {@code fraction} is 0)
 */
public record InjectedDropouts(double fraction, SecAggStage stage) {
    /** No injected dropouts. */
    public static final InjectedDropouts NONE = new InjectedDropouts(0, null);

    public InjectedDropouts {
        if (!(fraction >= 0 && fraction < 1)) throw new IllegalArgumentException("drop fraction must be in [0, 1), got " + fraction);
        if (fraction > 0 && stage == null) throw new IllegalArgumentException("a drop fraction of " + fraction + " needs a stage");
    }

    public boolean active() {
        return fraction > 0;
    }

    /** How many of {@code m} clients go silent: round(fraction·m). */
    public int count(int m) {
        return (int) Math.round(fraction * m);
    }

    /** The silenced clients of {@code round} among {@code ids} (client → stage), drawn from (seed, round). */
    public Map<Integer, SecAggStage> choose(long seed, int round, int[] ids) {
        Map<Integer, SecAggStage> out = new TreeMap<>();
        if (!active()) return out;
        int[] sorted = ids.clone();
        Arrays.sort(sorted);
        // Its own stream, apart from the client sampling's; SplittableRandom mixes its seed, so
        // neighbouring rounds do not start from correlated draws as java.util.Random would.
        int[] order = FedAvgStrategy.shuffled(sorted, new SplittableRandom((seed * 1_000_003L + round) ^ 0x5EC_A66L));
        for (int i = 0; i < count(order.length); i++) out.put(order[i], stage);
        return out;
    }

    /** The command-line name of a stage: advertise-keys, share-keys, masked-input, unmask. */
    public static String stageName(SecAggStage s) {
        return s == SecAggStage.COLLECT_MASKED_INPUTS ? "masked-input" : s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The stage a command-line name means; names the accepted ones otherwise. */
    public static SecAggStage parseStage(String name) {
        for (SecAggStage s : SecAggStage.values()) if (stageName(s).equals(name)) return s;
        throw new IllegalArgumentException("unknown SecAgg+ stage '" + name + "' (advertise-keys, share-keys, masked-input or unmask)");
    }

    /** Appended to the settings fingerprint, empty when inactive (older checkpoints stay valid). */
    String fingerprint() {
        return active() ? " drop=" + fraction + "@" + stageName(stage) : "";
    }
}
