package org.privmed.infer.server;

import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.runtime.ServerEvaluator;
import org.privmed.infer.service.ServedProgram;

/**
 * A compiled {@link HeProgram} served over gRPC: one {@link ServerEvaluator} per session. Clients
 * receive only its {@link org.privmed.infer.compile.ClientProgram}; the weights stay here.
 */
public final class CompiledProgram implements ServedProgram {

    private final HeProgram program;
    private final String name;
    private final byte[] bytes;
    private final int[] galoisElements;

    public CompiledProgram(HeProgram program, String name) {
        if (program == null) {
            throw new IllegalArgumentException("program must not be null");
        }
        this.program = program;
        this.name = name == null || name.isBlank() ? program.model().name() : name;
        this.bytes = program.clientProgram().toBytes();
        try (CkksContext ctx = new CkksContext(program.parameters(), 1)) {
            this.galoisElements = ctx.galoisElementsForRotations(program.rotationSteps());
        }
    }

    public HeProgram program() {
        return program;
    }

    @Override
    public String modelName() {
        return name;
    }

    @Override
    public String packing() {
        return program.packing().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public CkksParameters parameters() {
        return program.parameters();
    }

    @Override
    public int[] galoisElements() {
        return galoisElements.clone();
    }

    @Override
    public boolean needsRelinearizationKey() {
        return program.needsRelinKey();
    }

    @Override
    public int inputCiphertexts() {
        return program.inputCiphertexts();
    }

    @Override
    public int outputCiphertexts() {
        return program.outputCiphertexts();
    }

    @Override
    public int imagesPerBatch() {
        return program.imagesPerBatch();
    }

    @Override
    public int classes() {
        return program.model().numClasses();
    }

    @Override
    public byte[] clientProgramBytes() {
        return bytes.clone();
    }

    @Override
    public String explain() {
        return program.explainForClients();
    }

    @Override
    public KeyedEvaluator bind(CkksContext ctx, RelinearizationKey relinearizationKey, GaloisKeys galoisKeys) {
        ServerEvaluator ev = new ServerEvaluator(program, ctx, relinearizationKey, galoisKeys);
        return new KeyedEvaluator() {
            @Override
            public Ciphertext[] evaluate(Ciphertext[] inputs) {
                return ev.evaluate(inputs);
            }

            @Override
            public void close() {
                ev.close();
            }
        };
    }
}
