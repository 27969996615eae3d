package org.privmed.fl.secagg;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.Supplier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.privmed.fl.secagg.proto.AdvertiseKeysRequest;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.EncryptedShare;
import org.privmed.fl.secagg.proto.KeyAdvertisement;
import org.privmed.fl.secagg.proto.MaskedInputRequest;
import org.privmed.fl.secagg.proto.PublicKeys;
import org.privmed.fl.secagg.proto.RevealedShare;
import org.privmed.fl.secagg.proto.ServerMessage;
import org.privmed.fl.secagg.proto.ShareKeysRequest;
import org.privmed.fl.secagg.proto.ShareKeysResponse;
import org.privmed.fl.secagg.proto.UnmaskRequest;
import org.privmed.fl.secagg.proto.UnmaskResponse;

/**
 * The coordinator's side of a SecAgg+ round (Bell et al. 2020, Alg. 1–2, server part; Flower's
 * SecAggPlusWorkflow as reference behaviour), as a message-driven state machine:
 * {@link #start()} yields the stage-0 requests, {@link #receive} takes client replies (each checked
 * and either accepted or rejected whole), and {@link #advance()} closes the current stage with the
 * clients that answered — everyone else is dropped from then on — and yields the next requests.
 * After the unmasking stage {@link #result()} holds the sum.
 *
 * <p>Sets, in the paper's notation: U1 advertised keys, U2 shared keys, U3 sent masked inputs
 * (these are the contributors), U4 answered the unmask request. The coordinator holds only masked
 * vectors — it adds each to a running sum on arrival — and the reconstructed seeds of U3 and
 * masking keys of U2 \ U3, never a single client's input.
 *
 * <p>Abort rules (each raises {@link SecAggAbortedException} naming the stage and counts, and
 * leaves no result): fewer than t clients left at any stage; fewer than t shares to rebuild a
 * survivor's seed or a dropped client's key; shares that are inconsistent or rebuild a key that does
 * not match the advertised one.
 *
 * <p>Unmasking — rebuilding each survivor's self-mask seed and each dropped client's masking key,
 * then expanding and removing one AES-CTR stream per self mask and per pairwise mask of a dropped
 * client — is independent per client and runs on {@code unmaskThreads} threads; the sum is
 * bit-identical for any thread count.
 */
public final class SecAggPlusServer {
    private enum Phase { NEW, RUNNING, COMPLETE, ABORTED }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final ThreadFactory UNMASK_THREADS = r -> {
        Thread t = new Thread(r, "secagg-unmask");
        t.setDaemon(true);
        return t;
    };

    private final RoundParameters params;
    private final NeighbourGraph graph;
    private final Map<Integer, int[]> neighbourhoods = new TreeMap<>();

    private Phase phase = Phase.NEW;
    private SecAggStage stage;
    private final Map<Integer, KeyAdvertisement> advertised = new TreeMap<>();      // U1
    private final Map<Integer, List<EncryptedShare>> sharesFrom = new TreeMap<>();  // U2
    private final Set<Integer> maskedFrom = new TreeSet<>();                        // U3
    private final Map<Integer, UnmaskResponse> unmaskFrom = new TreeMap<>();        // U4
    private final Set<ByteString> seenKeys = new HashSet<>();
    private int[] maskedSum;
    private Set<Integer> survivors = Set.of();
    private Set<Integer> dropped = Set.of();
    private SecAggResult result;
    private final int unmaskThreads;
    private PoolCpu poolCpu = new PoolCpu(0, 0);

    /** A coordinator that unmasks on as many threads as there are available processors. */
    public SecAggPlusServer(RoundParameters params) {
        this(params, Runtime.getRuntime().availableProcessors());
    }

    /** A coordinator that unmasks on {@code unmaskThreads} threads (1: on the calling thread). */
    public SecAggPlusServer(RoundParameters params, int unmaskThreads) {
        if (params == null) throw new IllegalArgumentException("params must be non-null");
        if (unmaskThreads < 1) throw new IllegalArgumentException("unmask threads must be >= 1, got " + unmaskThreads);
        this.unmaskThreads = unmaskThreads;
        this.params = params;
        this.graph = params.graph();
        for (int id : params.clientIds()) neighbourhoods.put(id, graph.neighbourhood(id));
    }

    public RoundParameters parameters() { return params; }

    /** The stage whose replies are being collected, or null before {@link #start()}. */
    public synchronized SecAggStage stage() { return stage; }

    /** Stage 0: one advertise-keys request per sampled client. */
    public synchronized Map<Integer, ServerMessage> start() {
        if (phase != Phase.NEW) throw new IllegalStateException("round " + params.roundId() + " was already started");
        phase = Phase.RUNNING;
        stage = SecAggStage.ADVERTISE_KEYS;
        Map<Integer, ServerMessage> out = new LinkedHashMap<>();
        AdvertiseKeysRequest req = AdvertiseKeysRequest.newBuilder().setConfig(params.toProto()).build();
        for (int id : params.clientIds()) out.put(id, envelope(id).setAdvertiseKeys(req).build());
        return out;
    }

    /** Accepts one client reply for the current stage, or rejects it whole with {@link SecAggProtocolException}. */
    public synchronized void receive(ClientMessage m) {
        if (phase != Phase.RUNNING) throw new SecAggProtocolException("round " + params.roundId() + " is " + phase + ", not accepting messages");
        if (m.getRoundId() != params.roundId()) {
            throw new SecAggProtocolException("message for round " + m.getRoundId() + " sent to round " + params.roundId());
        }
        int from = m.getClientId();
        switch (stage) {
            case ADVERTISE_KEYS -> acceptAdvertisement(from, m);
            case SHARE_KEYS -> acceptShares(from, m);
            case COLLECT_MASKED_INPUTS -> acceptMaskedInput(from, m);
            case UNMASK -> acceptUnmask(from, m);
        }
    }

    private void requireBody(ClientMessage m, ClientMessage.BodyCase expected) {
        if (m.getBodyCase() != expected) {
            throw new SecAggProtocolException("client " + m.getClientId() + " sent " + m.getBodyCase() + " during stage " + stage);
        }
    }

    private void requireMember(int from, Set<Integer> allowed, Map<Integer, ?> answered, String setName) {
        if (!allowed.contains(from)) throw new SecAggProtocolException("client " + from + " is not in " + setName + " for stage " + stage);
        if (answered.containsKey(from)) throw new SecAggProtocolException("duplicate " + stage + " reply from client " + from);
    }

    private void acceptAdvertisement(int from, ClientMessage m) {
        requireBody(m, ClientMessage.BodyCase.KEY_ADVERTISEMENT);
        requireMember(from, neighbourhoods.keySet(), advertised, "the sampled clients");
        KeyAdvertisement k = m.getKeyAdvertisement();
        X25519.checkLength("encryption public key of client " + from, k.getEncryptionPublicKey().toByteArray());
        X25519.checkLength("masking public key of client " + from, k.getMaskingPublicKey().toByteArray());
        if (k.getEncryptionPublicKey().equals(k.getMaskingPublicKey())
                || seenKeys.contains(k.getEncryptionPublicKey()) || seenKeys.contains(k.getMaskingPublicKey())) {
            throw new SecAggProtocolException("client " + from + " advertised a public key already in use");
        }
        seenKeys.add(k.getEncryptionPublicKey());
        seenKeys.add(k.getMaskingPublicKey());
        advertised.put(from, k);
    }

    private void acceptShares(int from, ClientMessage m) {
        requireBody(m, ClientMessage.BodyCase.SHARE_KEYS);
        requireMember(from, advertised.keySet(), sharesFrom, "U1 (clients that advertised keys)");
        ShareKeysResponse r = m.getShareKeys();
        Set<Integer> expected = new TreeSet<>();
        for (int j : neighbourhoods.get(from)) if (j != from && advertised.containsKey(j)) expected.add(j);
        Set<Integer> got = new TreeSet<>();
        for (EncryptedShare s : r.getSharesList()) {
            if (s.getSenderId() != from) throw new SecAggProtocolException("client " + from + " sent a share claiming sender " + s.getSenderId());
            if (!expected.contains(s.getReceiverId())) {
                throw new SecAggProtocolException("client " + from + " addressed a share to " + s.getReceiverId() + ", not an advertised neighbour");
            }
            if (!got.add(s.getReceiverId())) throw new SecAggProtocolException("client " + from + " sent two shares to " + s.getReceiverId());
            if (s.getCiphertext().size() != ShareBundle.CIPHERTEXT_BYTES) {
                throw new SecAggProtocolException("share ciphertext from " + from + " is " + s.getCiphertext().size()
                        + " bytes, expected " + ShareBundle.CIPHERTEXT_BYTES);
            }
        }
        if (!got.equals(expected)) {
            throw new SecAggProtocolException("client " + from + " shared with " + got + " but its advertised neighbours are " + expected);
        }
        sharesFrom.put(from, r.getSharesList());
    }

    private void acceptMaskedInput(int from, ClientMessage m) {
        requireBody(m, ClientMessage.BodyCase.MASKED_INPUT);
        if (!sharesFrom.containsKey(from)) throw new SecAggProtocolException("client " + from + " is not in U2 (clients that shared keys)");
        if (maskedFrom.contains(from)) throw new SecAggProtocolException("duplicate masked input from client " + from);
        ByteString v = m.getMaskedInput().getMaskedVector();
        if (v.size() != 4L * params.vectorLength()) {
            throw new SecAggProtocolException("masked input from client " + from + " is " + v.size() + " bytes, expected " + 4L * params.vectorLength());
        }
        if (maskedSum == null) maskedSum = new int[params.vectorLength()];
        VectorCodec.addInto(maskedSum, v);
        maskedFrom.add(from);
    }

    private void acceptUnmask(int from, ClientMessage m) {
        requireBody(m, ClientMessage.BodyCase.UNMASK);
        requireMember(from, maskedFrom, unmaskFrom, "U3 (clients that sent masked inputs)");
        UnmaskResponse r = m.getUnmask();
        Set<Integer> neighbours = new HashSet<>();
        for (int j : neighbourhoods.get(from)) neighbours.add(j);
        checkRevealed(from, r.getSelfMaskSeedSharesList(), survivors, neighbours, "self-mask seed");
        checkRevealed(from, r.getMaskingKeySharesList(), dropped, neighbours, "masking key");
        unmaskFrom.put(from, r);
    }

    private void checkRevealed(int from, List<RevealedShare> shares, Set<Integer> owners, Set<Integer> neighbours, String what) {
        Set<Integer> seen = new HashSet<>();
        for (RevealedShare s : shares) {
            int owner = s.getOwnerId();
            if (!owners.contains(owner) || !neighbours.contains(owner)) {
                throw new SecAggProtocolException("client " + from + " revealed a " + what + " share of client " + owner + ", which was not requested");
            }
            if (!seen.add(owner)) throw new SecAggProtocolException("client " + from + " revealed two " + what + " shares of client " + owner);
            try {
                ShamirSecretSharing.decodeValue(s.getShare().toByteArray());
            } catch (IllegalArgumentException e) {
                throw new SecAggProtocolException("client " + from + " revealed a malformed " + what + " share of " + owner + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Closes the current stage with the clients that answered and returns the next stage's requests
     * (empty after the unmasking stage, when {@link #result()} is ready).
     */
    public synchronized Map<Integer, ServerMessage> advance() {
        if (phase != Phase.RUNNING) throw new IllegalStateException("round " + params.roundId() + " is " + phase);
        try {
            return switch (stage) {
                case ADVERTISE_KEYS -> closeAdvertise();
                case SHARE_KEYS -> closeShareKeys();
                case COLLECT_MASKED_INPUTS -> closeMaskedInputs();
                case UNMASK -> closeUnmask();
            };
        } catch (SecAggAbortedException e) {
            abort();
            throw e;
        } catch (RuntimeException e) {
            abort();
            throw new SecAggAbortedException(stage, 0, 0, "unexpected failure: " + e);
        }
    }

    private void requireAtLeastThreshold(int have, String who) {
        if (have < params.threshold()) throw new SecAggAbortedException(stage, have, params.threshold(), who);
    }

    private Map<Integer, ServerMessage> closeAdvertise() {
        requireAtLeastThreshold(advertised.size(), "too few clients advertised keys");
        Map<Integer, ServerMessage> out = new LinkedHashMap<>();
        for (int i : advertised.keySet()) {
            ShareKeysRequest.Builder req = ShareKeysRequest.newBuilder();
            for (int j : neighbourhoods.get(i)) {
                KeyAdvertisement k = advertised.get(j);
                if (k == null) continue;
                req.addNeighbours(PublicKeys.newBuilder().setClientId(j)
                        .setEncryptionPublicKey(k.getEncryptionPublicKey()).setMaskingPublicKey(k.getMaskingPublicKey()));
            }
            out.put(i, envelope(i).setShareKeys(req).build());
        }
        stage = SecAggStage.SHARE_KEYS;
        return out;
    }

    private Map<Integer, ServerMessage> closeShareKeys() {
        requireAtLeastThreshold(sharesFrom.size(), "too few clients shared keys");
        Map<Integer, MaskedInputRequest.Builder> inbox = new TreeMap<>();
        for (int j : sharesFrom.keySet()) inbox.put(j, MaskedInputRequest.newBuilder());
        for (List<EncryptedShare> list : sharesFrom.values()) {
            for (EncryptedShare s : list) {
                MaskedInputRequest.Builder b = inbox.get(s.getReceiverId());
                if (b != null) b.addShares(s); // shares for clients that dropped in stage 1 are discarded
            }
        }
        Map<Integer, ServerMessage> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, MaskedInputRequest.Builder> e : inbox.entrySet()) {
            out.put(e.getKey(), envelope(e.getKey()).setMaskedInput(e.getValue()).build());
        }
        stage = SecAggStage.COLLECT_MASKED_INPUTS;
        return out;
    }

    private Map<Integer, ServerMessage> closeMaskedInputs() {
        requireAtLeastThreshold(maskedFrom.size(), "too few clients sent masked inputs");
        survivors = new TreeSet<>(maskedFrom);
        Set<Integer> d = new TreeSet<>(sharesFrom.keySet());
        d.removeAll(maskedFrom);
        dropped = d;
        UnmaskRequest req = UnmaskRequest.newBuilder().addAllSurvivors(survivors).addAllDropped(dropped).build();
        Map<Integer, ServerMessage> out = new LinkedHashMap<>();
        for (int i : survivors) out.put(i, envelope(i).setUnmask(req).build());
        stage = SecAggStage.UNMASK;
        return out;
    }

    private Map<Integer, ServerMessage> closeUnmask() {
        requireAtLeastThreshold(unmaskFrom.size(), "too few clients answered the unmask request");
        List<Integer> survivorList = List.copyOf(survivors);
        List<Integer> droppedList = new ArrayList<>();
        for (int j : dropped) if (!survivingNeighbours(j).isEmpty()) droppedList.add(j); // else nobody masked with j
        int threads = unmaskThreads;
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, UNMASK_THREADS) : null;
        try {
            // Rebuild everything first, so a failure leaves the masked sum untouched. Each seed and
            // key is rebuilt from its own shares: independent per client, hence on the pool.
            List<byte[]> seeds = eachOf(pool, survivorList, i -> reconstruct(i, true));
            List<byte[]> maskingKeys = eachOf(pool, droppedList, j -> {
                byte[] sk = reconstruct(j, false);
                byte[] advertisedPk = advertised.get(j).getMaskingPublicKey().toByteArray();
                if (!Arrays.equals(X25519.publicKeyOf(sk), advertisedPk)) {
                    throw new SecAggAbortedException(SecAggStage.UNMASK, 0, params.threshold(),
                            "the rebuilt masking key of dropped client " + j + " does not match its advertised public key");
                }
                return sk;
            });
            // One job per mask stream to take off: survivors' self masks, then each (dropped j,
            // surviving neighbour i) pairwise mask. Survivor i added +PRG(s_ij) if i < j and
            // −PRG(s_ij) otherwise; undo that.
            List<MaskJob> jobs = new ArrayList<>();
            for (byte[] seed : seeds) jobs.add(new MaskJob(() -> seed, -1));
            for (int k = 0; k < droppedList.size(); k++) {
                int j = droppedList.get(k);
                byte[] sk = maskingKeys.get(k);
                for (int i : survivingNeighbours(j)) {
                    jobs.add(new MaskJob(() -> KeyDerivation.pairwiseMaskSeed(
                            X25519.agree(sk, advertised.get(i).getMaskingPublicKey().toByteArray()), params.roundId(), i, j), i < j ? -1 : 1));
                }
            }
            int[] sum = maskedSum;
            removeMasks(pool, threads, sum, jobs);
            result = new SecAggResult(sum, survivorList.stream().mapToInt(Integer::intValue).toArray(),
                    advertised.size(), sharesFrom.size(), unmaskFrom.size());
        } finally {
            if (pool != null) pool.shutdownNow();
        }
        maskedSum = null;
        phase = Phase.COMPLETE;
        return Map.of();
    }

    /** One PRG stream to add (+1) or subtract (−1) from the masked sum; the seed is derived on the worker. */
    private record MaskJob(Supplier<byte[]> seed, int sign) {}

    /**
     * Applies every job's mask to {@code sum}. Jobs are dealt round-robin to {@code threads}
     * workers, each adding its streams into its own accumulator (the first worker straight into
     * {@code sum}), then the accumulators are added up. Addition mod 2³² is associative and
     * commutative, so the result is bit-identical to applying the masks one by one on one thread.
     */
    private void removeMasks(ExecutorService pool, int threads, int[] sum, List<MaskJob> jobs) {
        int workers = pool == null ? 1 : Math.max(1, Math.min(threads, jobs.size()));
        List<Integer> workerIds = new ArrayList<>();
        for (int w = 0; w < workers; w++) workerIds.add(w);
        List<int[]> partials = eachOf(workers == 1 ? null : pool, workerIds, w -> {
            int[] acc = w == 0 ? sum : new int[sum.length];
            List<byte[]> seeds = new ArrayList<>();
            List<Integer> signs = new ArrayList<>();
            for (int k = w; k < jobs.size(); k += workers) {
                seeds.add(jobs.get(k).seed().get());
                signs.add(jobs.get(k).sign());
            }
            Masks.applyAll(acc, seeds, signs.stream().mapToInt(Integer::intValue).toArray());
            return acc;
        });
        for (int w = 1; w < workers; w++) {
            int[] acc = partials.get(w);
            for (int x = 0; x < sum.length; x++) sum[x] += acc[x];
        }
    }

    /**
     * {@code f} applied to every item, on {@code pool} when given (else on this thread), results in
     * item order; a task's exception is rethrown. Pool work is added to {@link #poolCpu}.
     */
    private <T, R> List<R> eachOf(ExecutorService pool, List<T> items, Function<T, R> f) {
        List<R> out = new ArrayList<>(items.size());
        if (pool == null) {
            for (T t : items) out.add(f.apply(t));
            return out;
        }
        Map<Long, Long> perThread = new java.util.concurrent.ConcurrentHashMap<>();
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T t : items) {
            futures.add(pool.submit(() -> {
                long c0 = CPU.getCurrentThreadCpuTime();
                try {
                    return f.apply(t);
                } finally {
                    perThread.merge(Thread.currentThread().getId(), CPU.getCurrentThreadCpuTime() - c0, Long::sum);
                }
            }));
        }
        for (Future<R> fu : futures) {
            try {
                out.add(fu.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while unmasking", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            }
        }
        long max = 0;
        long total = 0;
        for (long v : perThread.values()) {
            max = Math.max(max, v);
            total += v;
        }
        poolCpu = new PoolCpu(poolCpu.criticalPathNanos() + max, poolCpu.totalNanos() + total);
        return out;
    }

    private List<Integer> survivingNeighbours(int j) {
        List<Integer> out = new ArrayList<>();
        for (int i : neighbourhoods.get(j)) if (i != j && survivors.contains(i)) out.add(i);
        return out;
    }

    private byte[] reconstruct(int owner, boolean seed) {
        List<ShamirSecretSharing.Share> shares = new ArrayList<>();
        for (Map.Entry<Integer, UnmaskResponse> e : unmaskFrom.entrySet()) {
            List<RevealedShare> list = seed ? e.getValue().getSelfMaskSeedSharesList() : e.getValue().getMaskingKeySharesList();
            for (RevealedShare s : list) {
                if (s.getOwnerId() == owner) {
                    shares.add(new ShamirSecretSharing.Share(e.getKey() + 1, new BigInteger(1, s.getShare().toByteArray())));
                }
            }
        }
        String what = (seed ? "self-mask seed of surviving client " : "masking key of dropped client ") + owner;
        if (shares.size() < params.threshold()) {
            throw new SecAggAbortedException(stage, shares.size(), params.threshold(), "too few shares to rebuild the " + what);
        }
        try {
            return ShamirSecretSharing.reconstruct(shares, params.threshold());
        } catch (IllegalArgumentException e) {
            throw new SecAggAbortedException(stage, shares.size(), params.threshold(), "shares of the " + what + " are inconsistent: " + e.getMessage());
        }
    }

    private void abort() {
        phase = Phase.ABORTED;
        maskedSum = null;
        result = null;
    }

    /**
     * CPU time the unmasking spent on pool threads (zero with one unmask thread, when all of it
     * runs on the calling thread): the total, and the critical path — per parallel phase the
     * busiest thread, summed over phases — which is the elapsed time when each thread has a core.
     */
    public record PoolCpu(long criticalPathNanos, long totalNanos) {}

    /** {@link PoolCpu} of the completed round's unmasking. */
    public synchronized PoolCpu unmaskPoolCpu() {
        return poolCpu;
    }

    /** The unmasked sum; only after the unmasking stage completed. */
    public synchronized SecAggResult result() {
        if (phase != Phase.COMPLETE) throw new IllegalStateException("round " + params.roundId() + " has no result: it is " + phase);
        return result;
    }

    private ServerMessage.Builder envelope(int clientId) {
        return ServerMessage.newBuilder().setRoundId(params.roundId()).setClientId(clientId);
    }
}
