package org.privmed.fl.dp.accountant;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.privmed.fl.dp.rdp.PrivacySpent;
import org.privmed.fl.dp.rdp.RdpConversion;
import org.privmed.fl.dp.rdp.RdpOrders;
import org.privmed.fl.dp.rdp.SampledGaussianRdp;

/**
 * Records every application of the (subsampled) Gaussian mechanism and reports the (ε, δ) spent.
 * RDP composes by addition at each order (Mironov 2017, Prop. 1); ε comes from the composed curve
 * through {@link RdpConversion#epsilon} (Balle et al. 2020, Thm 21). The shape follows Opacus:
 * the mathematics lives in {@code dp.rdp}, this class only keeps the ledger.
 *
 * <p>The ledger is the source of truth for checkpoints: {@link #toJson()} / {@link #fromJson}
 * round-trip it exactly (steps are stored, not ε), so a restarted coordinator neither loses nor
 * double-counts spending. Instances are thread-safe.
 */
public final class RdpAccountant {
    static final String FORMAT = "privmed-rdp-accountant/1";

    private final double[] orders;
    private final List<MechanismSteps> history = new ArrayList<>();

    /** An empty ledger over Opacus' default orders. */
    public RdpAccountant() {
        this(RdpOrders.defaults());
    }

    /** An empty ledger over the given orders (each &gt; 1). */
    public RdpAccountant(double[] orders) {
        if (orders == null || orders.length == 0) throw new IllegalArgumentException("orders must be non-empty");
        for (double a : orders) {
            if (!(a > 1)) throw new IllegalArgumentException("RDP order must be > 1, got " + a);
        }
        this.orders = orders.clone();
    }

    /** Records one step. */
    public void step(double noiseMultiplier, double sampleRate) {
        record(new MechanismSteps(noiseMultiplier, sampleRate, 1));
    }

    /** Records {@code steps.count()} steps; merges with the previous entry when parameters match. */
    public synchronized void record(MechanismSteps steps) {
        if (steps == null) throw new IllegalArgumentException("steps must be non-null");
        int last = history.size() - 1;
        if (last >= 0) {
            MechanismSteps prev = history.get(last);
            if (prev.noiseMultiplier() == steps.noiseMultiplier() && prev.sampleRate() == steps.sampleRate()) {
                history.set(last, new MechanismSteps(prev.noiseMultiplier(), prev.sampleRate(),
                        Math.addExact(prev.count(), steps.count())));
                return;
            }
        }
        history.add(steps);
    }

    /**
     * Records {@code steps} only if the ledger then stays within {@code budget}; otherwise records
     * nothing and throws.
     */
    public synchronized void recordWithin(PrivacyBudget budget, MechanismSteps steps) {
        requireWithin(budget, steps);
        record(steps);
    }

    /** Throws {@link PrivacyBudgetExceededException} if recording {@code planned} would exceed the budget. */
    public synchronized void requireWithin(PrivacyBudget budget, MechanismSteps planned) {
        double projected = projectedEpsilon(budget.delta(), planned);
        if (projected > budget.epsilon()) {
            throw new PrivacyBudgetExceededException(budget, projected,
                    "recording " + planned.count() + " step(s) with noise multiplier " + planned.noiseMultiplier()
                            + " and sample rate " + planned.sampleRate() + " after " + totalSteps() + " step(s)");
        }
    }

    /** ε for {@code delta} if {@code planned} were recorded now (the ledger is not changed). */
    public synchronized double projectedEpsilon(double delta, MechanismSteps planned) {
        double[] curve = rdpCurve();
        double[] extra = SampledGaussianRdp.rdp(planned.sampleRate(), planned.noiseMultiplier(), planned.count(), orders);
        for (int i = 0; i < curve.length; i++) curve[i] += extra[i];
        return RdpConversion.epsilon(orders, curve, delta).epsilon();
    }

    /** The composed RDP ε(α) at each tracked order. */
    public synchronized double[] rdpCurve() {
        double[] total = new double[orders.length];
        for (MechanismSteps s : history) {
            double[] part = SampledGaussianRdp.rdp(s.sampleRate(), s.noiseMultiplier(), s.count(), orders);
            for (int i = 0; i < total.length; i++) total[i] += part[i];
        }
        return total;
    }

    /** (ε, δ) spent so far, with the optimal order. */
    public synchronized PrivacySpent spent(double delta) {
        return RdpConversion.epsilon(orders, rdpCurve(), delta);
    }

    /** ε spent so far for {@code delta}. */
    public double epsilon(double delta) {
        return spent(delta).epsilon();
    }

    public synchronized long totalSteps() {
        long n = 0;
        for (MechanismSteps s : history) n += s.count();
        return n;
    }

    public synchronized List<MechanismSteps> history() {
        return List.copyOf(history);
    }

    public double[] orders() {
        return orders.clone();
    }

    /** The ledger as JSON: the orders and the recorded steps, never a derived ε. */
    public synchronized String toJson() {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        JsonArray ord = new JsonArray();
        for (double a : orders) ord.add(a);
        root.add("orders", ord);
        JsonArray steps = new JsonArray();
        for (MechanismSteps s : history) {
            JsonObject o = new JsonObject();
            o.addProperty("noiseMultiplier", s.noiseMultiplier());
            o.addProperty("sampleRate", s.sampleRate());
            o.addProperty("count", s.count());
            steps.add(o);
        }
        root.add("steps", steps);
        return new Gson().toJson(root);
    }

    /** Restores a ledger written by {@link #toJson()}; rejects anything malformed with a named reason. */
    public static RdpAccountant fromJson(String json) {
        if (json == null) throw new IllegalArgumentException("accountant JSON is null");
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) throw new IllegalArgumentException("accountant JSON is not an object");
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("accountant JSON does not parse: " + e.getMessage(), e);
        }
        String format = root.has("format") && root.get("format").isJsonPrimitive() ? root.get("format").getAsString() : null;
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("accountant JSON format is " + format + ", expected " + FORMAT);
        }
        try {
            JsonArray ord = root.getAsJsonArray("orders");
            if (ord == null) throw new IllegalArgumentException("accountant JSON has no 'orders'");
            double[] orders = new double[ord.size()];
            for (int i = 0; i < orders.length; i++) orders[i] = ord.get(i).getAsDouble();
            RdpAccountant acc = new RdpAccountant(orders);
            JsonArray steps = root.getAsJsonArray("steps");
            if (steps == null) throw new IllegalArgumentException("accountant JSON has no 'steps'");
            for (JsonElement e : steps) {
                JsonObject o = e.getAsJsonObject();
                if (!o.has("noiseMultiplier") || !o.has("sampleRate") || !o.has("count")) {
                    throw new IllegalArgumentException("accountant JSON step lacks a field: " + o);
                }
                acc.history.add(new MechanismSteps(o.get("noiseMultiplier").getAsDouble(),
                        o.get("sampleRate").getAsDouble(), o.get("count").getAsLong()));
            }
            return acc;
        } catch (ClassCastException | IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("accountant JSON has a field of the wrong type: " + e.getMessage(), e);
        }
    }
}
