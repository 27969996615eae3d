package org.privmed.fl.secagg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.privmed.fl.prg.AesCtrPrg;

/**
 * The k-regular communication graph of SecAgg+ (Bell et al. 2020, Sec. 3: a random
 * Harary graph): the clients are placed on a ring in an order fixed by the public graph seed,
 * and each is joined to the (k−1)/2 nearest clients on either side. With k = n it is the complete
 * graph (plain SecAgg). A client's "neighbourhood" includes itself, so it has exactly k members —
 * Flower's {@code num_shares}. Every participant rebuilds the same graph from the round config, so
 * the coordinator cannot choose anyone's neighbours.
 */
public final class NeighbourGraph {
    private final int[] clientIds;
    private final int numShares;
    private final int[] ringOrder;
    private final int[] positionOf; // index into clientIds → ring position

    public NeighbourGraph(int[] clientIds, int numShares, byte[] seed) {
        if (clientIds == null || clientIds.length < 2) throw new IllegalArgumentException("need at least 2 clients, got " + (clientIds == null ? 0 : clientIds.length));
        for (int i = 1; i < clientIds.length; i++) {
            if (clientIds[i] <= clientIds[i - 1]) throw new IllegalArgumentException("client ids must be strictly increasing, got " + Arrays.toString(clientIds));
        }
        int n = clientIds.length;
        if (numShares < 2 || numShares > n) throw new IllegalArgumentException("num_shares must be in [2, " + n + "], got " + numShares);
        if (numShares < n && numShares % 2 == 0) {
            throw new IllegalArgumentException("num_shares must be odd unless it equals the number of clients (" + n + "), got " + numShares);
        }
        this.clientIds = clientIds.clone();
        this.numShares = numShares;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        AesCtrPrg prg = new AesCtrPrg(seed);
        for (int i = n - 1; i > 0; i--) Collections.swap(order, i, (int) prg.nextLong(i + 1)); // Fisher–Yates
        ringOrder = order.stream().mapToInt(Integer::intValue).toArray();
        positionOf = new int[n];
        for (int p = 0; p < n; p++) positionOf[ringOrder[p]] = p;
    }

    /** The neighbourhood of {@code clientId}, itself included, in increasing id order. */
    public int[] neighbourhood(int clientId) {
        int idx = Arrays.binarySearch(clientIds, clientId);
        if (idx < 0) throw new IllegalArgumentException("client " + clientId + " is not in this round");
        int n = clientIds.length;
        if (numShares == n) return clientIds.clone();
        Set<Integer> out = new TreeSet<>();
        int half = (numShares - 1) / 2;
        int p = positionOf[idx];
        for (int d = -half; d <= half; d++) out.add(clientIds[ringOrder[Math.floorMod(p + d, n)]]);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public boolean areNeighbours(int a, int b) {
        return Arrays.binarySearch(neighbourhood(a), b) >= 0;
    }

    public int numShares() { return numShares; }
}
