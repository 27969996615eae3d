package org.privmed.fl.dp.sgd;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.privmed.data.ImageDataset;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.fl.dp.UpdateClipping;
import org.privmed.fl.dp.accountant.MechanismSteps;
import org.privmed.fl.prg.AesCtrPrg;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.BatchNorm;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.train.DjlNetwork;
import org.privmed.nn.train.OptimizerKind;

/**
 * Local training by DP-SGD (Abadi, Chu, Goodfellow, McMahan, Mironov, Talwar, Zhang, CCS 2016,
 * Sec. 3.1, Alg. 1), the way Opacus runs it: at every step each example joins the batch
 * independently with probability q = B/N (Poisson sampling, what the accountant assumes), each
 * example's gradient is clipped to L2 norm C, Gaussian noise N(0, (σ·C)²) is added to the sum of
 * the clipped gradients, the sum is divided by the expected batch size B, and the optimizer (Adam,
 * as in ordinary local training, or SGD with momentum; see {@link DpSgdSettings#optimizer()})
 * takes that as the gradient. One step is one application of the
 * sampled Gaussian mechanism with noise multiplier σ and rate q; the hospital's accountant records
 * the steps (Mironov, Talwar, Zhang 2019).
 *
 * <p><b>Per-example gradients.</b> DJL exposes neither per-sample gradient hooks nor vectorized
 * Jacobians, so each example's gradient comes from its own forward and backward pass — a
 * micro-batch of one. That is exact (it is the definition) and works for every layer, at the price
 * of B small passes per step instead of one batched pass; see the module README for the measured
 * cost. BatchNorm is refused: its batch statistics mix examples, so a per-example gradient and
 * hence the sensitivity bound would not exist (Opacus refuses it too); GroupNorm is fine.
 *
 * <p>Noise is drawn by {@link GaussianNoise} (snapped discrete Gaussian, sensitivity C) from a
 * SecureRandom-seeded generator, and batch membership from another, so neither the noise nor which
 * examples were used is predictable from the run's public seed. Rounding the clipped gradients'
 * sum to float before the noise is not accounted for, as in Opacus.
 */
public final class DpSgdTrainer {
    private DpSgdTrainer() {}

    /** Longest run of squares summed in float32 when measuring a gradient's norm (error below 2⁻¹¹). */
    static final int FLOAT32_ROW = 8192;

    /**
     * What local DP-SGD produced.
     *
     * @param model the trained model
     * @param trainLoss mean loss of the examples sampled in the last epoch (NaN if none was)
     * @param spent the privacy steps taken: σ, q and their count
     * @param examplesUsed per-example gradients computed over all steps
     * @param millis wall time of the training
     */
    public record Result(Model model, double trainLoss, MechanismSteps spent, long examplesUsed, double millis) {}

    /**
     * Trains {@code initial} on {@code data} for {@code epochs} × ⌈N/B⌉ DP-SGD steps.
     *
     * @param sampling draws batch membership (SecureRandom-seeded outside tests)
     * @param noise draws the Gaussian noise; unused when σ = 0
     */
    public static Result train(Model initial, ImageDataset data, DpSgdSettings dp, double learningRate, int batchSize, int epochs,
                               long seed, int threads, AesCtrPrg sampling, GaussianNoise noise) {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (sampling == null || (noise == null && dp.noiseMultiplier() > 0)) {
            throw new IllegalArgumentException("DP-SGD needs a sampling generator and a noise source");
        }
        long t0 = System.nanoTime();
        double q = DpSgdSettings.sampleRate(batchSize, data.size());
        long steps = (long) epochs * DpSgdSettings.stepsPerEpoch(batchSize, data.size());
        double expectedBatch = q * data.size();
        long used = 0;
        double lossSum = 0;
        long lossCount = 0;
        try (Session s = new Session(initial, data, dp.optimizer(), dp.momentum(), learningRate, seed, threads)) {
            long perEpoch = DpSgdSettings.stepsPerEpoch(batchSize, data.size());
            for (long step = 0; step < steps; step++) {
                if (step % perEpoch == 0) {
                    lossSum = 0;
                    lossCount = 0;
                }
                List<Integer> batch = new ArrayList<>();
                for (int i = 0; i < data.size(); i++) if (sampling.nextDouble() < q) batch.add(i);
                int[] rows = batch.stream().mapToInt(Integer::intValue).toArray();
                Noisy g = s.privateGradient(rows, dp, expectedBatch, noise);
                s.step(g.gradient());
                used += rows.length;
                lossSum += g.lossSum();
                lossCount += rows.length;
            }
            return new Result(s.export(), lossCount == 0 ? Double.NaN : lossSum / lossCount,
                    new MechanismSteps(dp.noiseMultiplier(), q, steps), used, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** A private gradient and the summed loss of the examples behind it. */
    record Noisy(float[] gradient, double lossSum) {}

    /** Refuses layers whose output for one example depends on the others in its batch. */
    static void requirePerExampleLayers(List<Layer> layers, String model) {
        for (Layer l : layers) {
            if (l instanceof BatchNorm) {
                throw new IllegalArgumentException("DP-SGD cannot train " + model + ": BatchNorm mixes the examples of a batch, so per-example"
                        + " gradients (and the sensitivity bound) do not exist; use a GroupNorm model");
            }
            if (l instanceof Residual r) {
                requirePerExampleLayers(r.body(), model);
                requirePerExampleLayers(r.shortcut(), model);
            }
        }
    }

    /**
     * One model being trained in DJL, with the pieces of a DP-SGD step exposed for tests: the
     * ordinary batch gradient, per-example gradients, the private gradient, and the optimizer step.
     * Gradients are flat vectors over the trainable parameters in the block's order.
     */
    static final class Session implements AutoCloseable {
        private final ai.djl.Model djl;
        private final Trainer trainer;
        private final Loss loss = Loss.softmaxCrossEntropyLoss();
        private final List<Parameter> trainable = new ArrayList<>();
        private final float[][] x;
        private final int[] labels;
        private final TensorShape shape;
        private final DjlNetwork net;
        private final int dimension;

        Session(Model initial, ImageDataset data, OptimizerKind optimizer, double learningRate, long seed, int threads) {
            this(initial, data, optimizer, 0, learningRate, seed, threads);
        }

        Session(Model initial, ImageDataset data, OptimizerKind optimizer, double momentum, double learningRate, long seed, int threads) {
            PlainInference.requireCompatible(initial, data);
            if (data.size() == 0) throw new IllegalArgumentException("training set " + data.name() + " is empty");
            requirePerExampleLayers(initial.layers(), initial.name());
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            }
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            Engine engine = Engine.getEngine("PyTorch");
            JniUtils.setNumThreads(threads);
            engine.setRandomSeed((int) seed); // dropout masks
            shape = initial.inputShape();
            x = new float[data.size()][];
            for (int i = 0; i < x.length; i++) {
                double[] v = PlainInference.normalize(initial, data.images()[i]);
                float[] f = new float[v.length];
                for (int j = 0; j < v.length; j++) f[j] = (float) v[j];
                x[i] = f;
            }
            labels = data.labels().clone();
            djl = ai.djl.Model.newInstance(initial.name(), "PyTorch");
            net = DjlNetwork.of(initial);
            djl.setBlock(net.block());
            DefaultTrainingConfig tc = new DefaultTrainingConfig(loss)
                    .optOptimizer(optimizer == OptimizerKind.ADAM
                            ? Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build()
                            : Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) learningRate)).optMomentum((float) momentum).build())
                    .optDevices(new Device[] {Device.cpu()});
            trainer = djl.newTrainer(tc);
            trainer.initialize(net.inputShape(1));
            net.loadWeights(initial);
            long d = 0;
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable.add(p.getValue());
                    d += p.getValue().getArray().size();
                }
            }
            dimension = Math.toIntExact(d);
        }

        int dimension() { return dimension; }

        /** The ordinary mean-loss gradient over {@code rows}, from one batched pass (what non-private SGD uses). */
        float[] batchGradient(int[] rows) {
            return backward(rows)[0];
        }

        /** The gradient of example {@code row}'s loss alone: a forward and backward pass on a batch of one. */
        float[] exampleGradient(int row) {
            return backward(new int[] {row})[0];
        }

        /** Example {@code row}'s gradient scaled to L2 norm at most C; its loss goes to {@code loss[0]}. */
        float[] clippedExampleGradient(int row, double clipNorm, float[] loss) {
            float[][] gl = backward(new int[] {row});
            loss[0] = gl[1][0];
            return UpdateClipping.clip(gl[0], clipNorm).values();
        }

        /** An ordinary optimizer step on {@code rows}: one batched backward pass, DJL's gradient as is. */
        void ordinaryStep(int[] rows) {
            backward(rows);
            trainer.step();
        }

        /**
         * Σ clip_C(g_i) over {@code rows}, plus N(0, (σC)²) per coordinate when σ &gt; 0, divided by
         * {@code expectedBatch}.
         *
         * <p>Each example's gradient stays in the engine: its L2 norm is reduced there and the
         * clipped gradient is added to per-tensor float32 accumulators there, so an example costs a
         * few JNI calls per tensor instead of copying the whole gradient into Java; the sum crosses
         * into Java once per step. The norm must not be underestimated, since the noise is
         * calibrated to C: squares are summed in float32 only along rows of at most
         * {@value #FLOAT32_ROW} entries (an output channel of a convolution or dense weight; the
         * worst-case relative error of such a sum of non-negative terms is below 2⁻¹¹), the row sums
         * in float64; a longer row is summed in float64 throughout. The clipping factor aims at
         * C·(1 − 2⁻¹⁰) and gradients with a measured norm above that are clipped, which absorbs
         * both that error and the 2⁻²⁴ rounding of each scaled coordinate, so every clipped
         * gradient stays within C.
         */
        Noisy privateGradient(int[] rows, DpSgdSettings dp, double expectedBatch, GaussianNoise noise) {
            double lossSum = 0;
            float[] out = new float[dimension];
            double target = dp.clipNorm() * (1 - 0x1p-10);
            try (NDManager step = trainer.getManager().newSubManager()) {
                NDArray[] sums = new NDArray[trainable.size()];
                for (int k = 0; k < sums.length; k++) sums[k] = step.zeros(trainable.get(k).getArray().getShape(), DataType.FLOAT32);
                for (int row : rows) {
                    lossSum += forwardBackward(new int[] {row});
                    try (NDManager ex = step.newSubManager()) {
                        NDArray[] g = new NDArray[sums.length];
                        NDList squares = new NDList(g.length);
                        for (int k = 0; k < g.length; k++) {
                            g[k] = trainable.get(k).getArray().getGradient();
                            g[k].attach(ex);
                            squares.add(squaredNorm(g[k]));
                        }
                        double norm = Math.sqrt(NDArrays.stack(squares).sum().getDouble());
                        if (!Double.isFinite(norm)) throw new IllegalStateException("example " + row + " has a non-finite gradient (norm " + norm + ")");
                        double scale = norm > target ? target / norm : 1.0;
                        for (int k = 0; k < g.length; k++) sums[k].addi(scale == 1.0 ? g[k] : g[k].mul((float) scale));
                    }
                }
                int off = 0;
                for (NDArray a : sums) {
                    float[] part = a.toFloatArray();
                    System.arraycopy(part, 0, out, off, part.length);
                    off += part.length;
                }
            }
            if (dp.noiseMultiplier() > 0) {
                // One example changes the sum of clipped gradients by at most C in L2.
                out = noise.addNoise(out, dp.noiseMultiplier() * dp.clipNorm(), dp.clipNorm());
            }
            for (int k = 0; k < dimension; k++) out[k] = (float) (out[k] / expectedBatch);
            return new Noisy(out, lossSum);
        }

        /**
         * ‖g‖² as a float64 scalar in the engine: float32 squares summed along rows of at most
         * {@value #FLOAT32_ROW} (naive summation of n non-negative terms errs by at most (n − 1)·2⁻²⁴
         * relative), row sums in float64. A float32 overflow gives infinity, which the caller
         * refuses, and is retried here in float64 first.
         */
        static NDArray squaredNorm(NDArray g) {
            Shape sh = g.getShape();
            long rowLength = sh.dimension() > 1 ? sh.size() / sh.get(0) : 1;
            NDArray partial;
            if (rowLength > FLOAT32_ROW) {
                partial = g.toType(DataType.FLOAT64, false).square();
            } else {
                NDArray sq = g.square();
                partial = sh.dimension() > 1 ? sq.sum(IntStream.range(1, sh.dimension()).toArray()) : sq;
                partial = partial.toType(DataType.FLOAT64, false);
            }
            NDArray total = partial.sum();
            if (!Double.isFinite(total.getDouble())) total = g.toType(DataType.FLOAT64, false).square().sum();
            return total;
        }

        /** Sets the parameters' gradients to {@code gradient} and lets the optimizer step. */
        void step(float[] gradient) {
            if (gradient.length != dimension) throw new IllegalArgumentException("gradient has " + gradient.length + " values, expected " + dimension);
            int off = 0;
            boolean any = false;
            for (Parameter p : trainable) {
                NDArray a = p.getArray();
                int n = Math.toIntExact(a.size());
                float[] part = new float[n];
                System.arraycopy(gradient, off, part, 0, n);
                off += n;
                for (float v : part) any |= v != 0;
                try (NDManager scope = a.getManager().newSubManager()) {
                    JniUtils.zeroGrad((PtNDArray) a);
                    NDArray g = a.getGradient();
                    g.attach(scope);
                    g.addi(scope.create(part, a.getShape()));
                }
            }
            // DJL refuses a first step on an all-zero gradient; that only happens with σ = 0 and no example sampled.
            if (any) trainer.step();
        }

        Model export() {
            return net.export();
        }

        /** {flat gradient of the mean loss over rows, {loss}} after one forward/backward pass. */
        private float[][] backward(int[] rows) {
            float lossValue = forwardBackward(rows);
            float[] g = new float[dimension];
            int off = 0;
            for (Parameter p : trainable) {
                NDArray a = p.getArray();
                try (NDManager scope = a.getManager().newSubManager()) {
                    NDArray grad = a.getGradient();
                    grad.attach(scope);
                    float[] part = grad.toFloatArray();
                    System.arraycopy(part, 0, g, off, part.length);
                    off += part.length;
                }
            }
            return new float[][] {g, {lossValue}};
        }

        /** One forward/backward pass of the mean loss over {@code rows}: leaves the gradients in the parameters, returns the loss. */
        private float forwardBackward(int[] rows) {
            int m = rows.length;
            float[] flat = new float[m * shape.size()];
            float[] y = new float[m];
            for (int i = 0; i < m; i++) {
                System.arraycopy(x[rows[i]], 0, flat, i * shape.size(), shape.size());
                y[i] = labels[rows[i]];
            }
            for (Parameter p : trainable) {
                NDArray a = p.getArray();
                if (a.hasGradient()) JniUtils.zeroGrad((PtNDArray) a);
            }
            float lossValue;
            try (NDManager bm = trainer.getManager().newSubManager()) {
                NDArray in = bm.create(flat, new Shape(m, shape.channels(), shape.height(), shape.width()));
                NDArray target = bm.create(y, new Shape(m));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray pred = trainer.forward(new NDList(in)).singletonOrThrow();
                    NDArray l = loss.evaluate(new NDList(target), new NDList(pred));
                    gc.backward(l);
                    lossValue = l.getFloat();
                }
            }
            return lossValue;
        }

        @Override
        public void close() {
            trainer.close();
            djl.close();
        }
    }
}
