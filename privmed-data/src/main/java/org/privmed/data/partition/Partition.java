package org.privmed.data.partition;

import java.util.Arrays;

/**
 * Rows of one dataset divided among federated clients (hospitals): client {@code c} holds rows
 * {@code client(c)}, ascending. Every row belongs to exactly one client.
 *
 * @param scheme how it was made, e.g. {@code dirichlet(alpha=0.5, seed=1)}, for reports
 * @param clients per client, its row indices
 */
public record Partition(String scheme, int[][] clients) {

  public Partition {
    clients = Arrays.stream(clients).map(int[]::clone).toArray(int[][]::new);
  }

  @Override
  public int[][] clients() {
    return Arrays.stream(clients).map(int[]::clone).toArray(int[][]::new);
  }

  public int numClients() {
    return clients.length;
  }

  /** The rows of client {@code c}, ascending. */
  public int[] client(int c) {
    if (c < 0 || c >= clients.length) {
      throw new IllegalArgumentException("client " + c + " is outside 0.." + (clients.length - 1));
    }
    return clients[c].clone();
  }

  /** How many rows client {@code c} holds. */
  public int clientSize(int c) {
    return clients[c].length;
  }

  /** Rows over all clients. */
  public int totalSize() {
    return Arrays.stream(clients).mapToInt(a -> a.length).sum();
  }

  /** {@code counts[c][k]}: rows of class {@code k} held by client {@code c}. */
  public int[][] classCounts(int[] labels, int numClasses) {
    int[][] counts = new int[clients.length][numClasses];
    for (int c = 0; c < clients.length; c++) {
      for (int row : clients[c]) {
        if (row < 0 || row >= labels.length) {
          throw new IllegalArgumentException("row " + row + " of client " + c
              + " is outside the " + labels.length + " labels given");
        }
        int label = labels[row];
        if (label < 0 || label >= numClasses) {
          throw new IllegalArgumentException("label " + label + " of row " + row
              + " is outside 0.." + (numClasses - 1));
        }
        counts[c][label]++;
      }
    }
    return counts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Partition p && scheme.equals(p.scheme) && Arrays.deepEquals(clients,
        p.clients);
  }

  @Override
  public int hashCode() {
    return 31 * scheme.hashCode() + Arrays.deepHashCode(clients);
  }

  @Override
  public String toString() {
    return "Partition[" + scheme + ", sizes=" + Arrays.toString(
        Arrays.stream(clients).mapToInt(a -> a.length).toArray()) + "]";
  }
}
