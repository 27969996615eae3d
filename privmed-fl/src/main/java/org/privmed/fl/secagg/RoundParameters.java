package org.privmed.fl.secagg;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.Arrays;
import org.privmed.fl.secagg.proto.RoundConfig;

/**
 * The validated parameters of one SecAgg+ round.
 *
 * <p>The threshold must satisfy 2t &gt; k (Bell et al. 2020, Sec. 4): a coordinator that tells
 * some neighbours "j survived" and others "j dropped" could otherwise collect t shares of both
 * j's self-mask seed and j's masking key and unmask j's input alone.
 *
 * @param roundId identifies the round; bound into every ciphertext
 * @param clientIds sampled clients, strictly increasing, each in [0, 2³¹ − 2]
 * @param numShares k, neighbourhood size including the client itself
 * @param threshold t, shares needed for reconstruction
 * @param vectorLength number of uint32 words in each input
 * @param graphSeed 32 public random bytes fixing the neighbour graph
 */
public record RoundParameters(long roundId, int[] clientIds, int numShares, int threshold, int vectorLength, byte[] graphSeed) {
    public RoundParameters {
        if (clientIds == null || clientIds.length < 3) {
            throw new IllegalArgumentException("a SecAgg+ round needs at least 3 clients, got " + (clientIds == null ? 0 : clientIds.length));
        }
        clientIds = clientIds.clone();
        for (int i = 0; i < clientIds.length; i++) {
            if (clientIds[i] < 0 || clientIds[i] == Integer.MAX_VALUE) throw new IllegalArgumentException("client id out of range: " + clientIds[i]);
            if (i > 0 && clientIds[i] <= clientIds[i - 1]) {
                throw new IllegalArgumentException("client ids must be strictly increasing, got " + clientIds[i - 1] + " then " + clientIds[i]);
            }
        }
        if (numShares < 3 || numShares > clientIds.length) {
            throw new IllegalArgumentException("num_shares must be in [3, " + clientIds.length + "], got " + numShares);
        }
        if (threshold < 2 || threshold > numShares || 2 * threshold <= numShares) {
            throw new IllegalArgumentException("reconstruction threshold must satisfy k/2 < t <= k with k=" + numShares + ", got " + threshold);
        }
        if (vectorLength < 1) throw new IllegalArgumentException("vector length must be >= 1, got " + vectorLength);
        if (graphSeed == null || graphSeed.length != 32) {
            throw new IllegalArgumentException("graph seed must be 32 bytes, got " + (graphSeed == null ? "null" : graphSeed.length));
        }
        graphSeed = graphSeed.clone();
        new NeighbourGraph(clientIds, numShares, graphSeed); // rejects an even k below n
    }

    /** Parameters with a fresh random graph seed. */
    public static RoundParameters create(long roundId, int[] clientIds, int numShares, int threshold, int vectorLength, SecureRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return new RoundParameters(roundId, clientIds, numShares, threshold, vectorLength, seed);
    }

    @Override
    public int[] clientIds() { return clientIds.clone(); }

    @Override
    public byte[] graphSeed() { return graphSeed.clone(); }

    public NeighbourGraph graph() {
        return new NeighbourGraph(clientIds, numShares, graphSeed);
    }

    public boolean includes(int clientId) {
        return Arrays.binarySearch(clientIds, clientId) >= 0;
    }

    public RoundConfig toProto() {
        RoundConfig.Builder b = RoundConfig.newBuilder()
                .setRoundId(roundId).setNumShares(numShares).setReconstructionThreshold(threshold)
                .setVectorLength(vectorLength).setGraphSeed(ByteString.copyFrom(graphSeed));
        for (int id : clientIds) b.addClientIds(id);
        return b.build();
    }

    /** Parses and validates a config received from the coordinator. */
    public static RoundParameters fromProto(RoundConfig c) {
        try {
            int[] ids = c.getClientIdsList().stream().mapToInt(Integer::intValue).toArray();
            return new RoundParameters(c.getRoundId(), ids, c.getNumShares(), c.getReconstructionThreshold(),
                    c.getVectorLength(), c.getGraphSeed().toByteArray());
        } catch (IllegalArgumentException e) {
            throw new SecAggProtocolException("invalid round config: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoundParameters p && p.roundId == roundId && Arrays.equals(p.clientIds, clientIds)
                && p.numShares == numShares && p.threshold == threshold && p.vectorLength == vectorLength
                && Arrays.equals(p.graphSeed, graphSeed);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(roundId) * 31 + Arrays.hashCode(clientIds);
    }

    @Override
    public String toString() {
        return "RoundParameters[round=" + roundId + ", clients=" + clientIds.length + ", k=" + numShares + ", t=" + threshold + ", d=" + vectorLength + "]";
    }
}
