package org.privmed.fl.secagg;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.EncryptedShare;
import org.privmed.fl.secagg.proto.KeyAdvertisement;
import org.privmed.fl.secagg.proto.MaskedInputResponse;
import org.privmed.fl.secagg.proto.PublicKeys;
import org.privmed.fl.secagg.proto.RevealedShare;
import org.privmed.fl.secagg.proto.ServerMessage;
import org.privmed.fl.secagg.proto.ShareKeysResponse;
import org.privmed.fl.secagg.proto.UnmaskRequest;
import org.privmed.fl.secagg.proto.UnmaskResponse;

/**
 * One client's side of a SecAgg+ round (Bell et al. 2020, Alg. 1–2, semi-honest; behaviour as
 * Flower's secaggplus_mod), as a state machine: each {@link #handle} takes the coordinator's
 * message for the current stage and returns the reply.
 *
 * <ol>
 *   <li>advertise keys: check the config, generate two X25519 key pairs (c for share encryption,
 *       s for pairwise masks);</li>
 *   <li>share keys: check the neighbours' keys (only graph neighbours, own keys echoed, all keys
 *       distinct, at least t), draw the self-mask seed b, Shamir-share b and s_sk among the
 *       neighbourhood with threshold t, encrypt each neighbour's pair under HKDF(c-agreement);</li>
 *   <li>masked input: decrypt and check the shares received, then send
 *       y = x + PRG(b) + Σ_{j&gt;i} PRG(s_ij) − Σ_{j&lt;i} PRG(s_ij) mod 2³² over the neighbours that
 *       shared with it;</li>
 *   <li>unmask: for each such neighbour reveal exactly one share — of b_j if the coordinator says
 *       j survived, of s_sk,j if it says j dropped — never both, and only if at least t of them
 *       survived.</li>
 * </ol>
 * Any invalid message moves the client to a failed state and raises
 * {@link SecAggProtocolException}; a failed client answers nothing more.
 */
public final class SecAggPlusClient {
    private enum State { AWAIT_ADVERTISE, AWAIT_SHARE_KEYS, AWAIT_MASKED_INPUT, AWAIT_UNMASK, DONE, FAILED }

    private final int clientId;
    private final int inputLength;
    private Supplier<int[]> input;
    private final SecureRandom random;

    private State state = State.AWAIT_ADVERTISE;
    private RoundParameters params;
    private Set<Integer> neighbourhood;
    private X25519.KeyPairBytes encryptionKeys;
    private X25519.KeyPairBytes maskingKeys;
    private byte[] selfMaskSeed;
    private final Map<Integer, PublicKeys> neighbourKeys = new TreeMap<>();
    private final Map<Integer, BigInteger> seedSharesHeld = new HashMap<>();
    private final Map<Integer, BigInteger> keySharesHeld = new HashMap<>();
    private final Set<Integer> sharers = new TreeSet<>();

    /**
     * @param clientId this client's id in the round
     * @param quantizedInput the already quantized input (see {@link StochasticQuantizer}); copied
     * @param random a {@link SecureRandom}; keys, seeds, polynomial coefficients and nonces come from it
     */
    public SecAggPlusClient(int clientId, int[] quantizedInput, SecureRandom random) {
        this(clientId, checkedLength(quantizedInput), handOver(quantizedInput.clone()), random);
    }

    /**
     * A client whose input is produced only when the masked-input stage needs it (as Flower's
     * secaggplus_mod quantizes there): nothing of vector size is held through the key stages, and
     * the array the supplier returns is masked in place and sent, so it must be a fresh one.
     *
     * @param inputLength words the supplier will return, checked against the round's config
     */
    public SecAggPlusClient(int clientId, int inputLength, Supplier<int[]> input, SecureRandom random) {
        if (input == null) throw new IllegalArgumentException("input must be non-null");
        if (inputLength < 1) throw new IllegalArgumentException("input length must be >= 1, got " + inputLength);
        if (random == null) throw new IllegalArgumentException("random must be non-null");
        this.clientId = clientId;
        this.inputLength = inputLength;
        this.input = input;
        this.random = random;
    }

    private static int checkedLength(int[] quantizedInput) {
        if (quantizedInput == null) throw new IllegalArgumentException("input must be non-null");
        return quantizedInput.length;
    }

    private static Supplier<int[]> handOver(int[] copy) {
        return () -> copy;
    }

    public int clientId() { return clientId; }

    /** Processes one coordinator message and returns the reply. */
    public synchronized ClientMessage handle(ServerMessage message) {
        if (state == State.DONE || state == State.FAILED) {
            throw new SecAggProtocolException("client " + clientId + " is " + state + " and takes no more messages");
        }
        try {
            if (message.getClientId() != clientId) {
                throw new SecAggProtocolException("message addressed to client " + message.getClientId() + " delivered to " + clientId);
            }
            if (params != null && message.getRoundId() != params.roundId()) {
                throw new SecAggProtocolException("message for round " + message.getRoundId() + " during round " + params.roundId());
            }
            ClientMessage.Builder reply = ClientMessage.newBuilder().setClientId(clientId).setRoundId(message.getRoundId());
            switch (message.getBodyCase()) {
                case ADVERTISE_KEYS -> {
                    expect(State.AWAIT_ADVERTISE, "advertise-keys");
                    reply.setKeyAdvertisement(advertise(message));
                    state = State.AWAIT_SHARE_KEYS;
                }
                case SHARE_KEYS -> {
                    expect(State.AWAIT_SHARE_KEYS, "share-keys");
                    reply.setShareKeys(shareKeys(message.getShareKeys().getNeighboursList()));
                    state = State.AWAIT_MASKED_INPUT;
                }
                case MASKED_INPUT -> {
                    expect(State.AWAIT_MASKED_INPUT, "masked-input");
                    reply.setMaskedInput(maskedInput(message.getMaskedInput().getSharesList()));
                    state = State.AWAIT_UNMASK;
                }
                case UNMASK -> {
                    expect(State.AWAIT_UNMASK, "unmask");
                    reply.setUnmask(unmask(message.getUnmask()));
                    state = State.DONE;
                }
                default -> throw new SecAggProtocolException("message has no body");
            }
            return reply.build();
        } catch (SecAggProtocolException e) {
            state = State.FAILED;
            throw e;
        } catch (RuntimeException e) {
            state = State.FAILED;
            throw new SecAggProtocolException("client " + clientId + " rejected the message: " + e.getMessage(), e);
        }
    }

    private void expect(State wanted, String what) {
        if (state != wanted) throw new SecAggProtocolException("client " + clientId + " got a " + what + " request while " + state);
    }

    private KeyAdvertisement advertise(ServerMessage message) {
        params = RoundParameters.fromProto(message.getAdvertiseKeys().getConfig());
        if (params.roundId() != message.getRoundId()) {
            throw new SecAggProtocolException("config round " + params.roundId() + " differs from message round " + message.getRoundId());
        }
        if (!params.includes(clientId)) throw new SecAggProtocolException("client " + clientId + " is not among the round's clients");
        if (params.vectorLength() != inputLength) {
            throw new SecAggProtocolException("round expects vectors of " + params.vectorLength() + " words, this client holds " + inputLength);
        }
        neighbourhood = new HashSet<>();
        for (int id : params.graph().neighbourhood(clientId)) neighbourhood.add(id);
        encryptionKeys = X25519.generate(random);
        maskingKeys = X25519.generate(random);
        return KeyAdvertisement.newBuilder()
                .setEncryptionPublicKey(ByteString.copyFrom(encryptionKeys.publicKey()))
                .setMaskingPublicKey(ByteString.copyFrom(maskingKeys.publicKey())).build();
    }

    private ShareKeysResponse shareKeys(List<PublicKeys> neighbours) {
        Set<ByteString> distinct = new HashSet<>();
        for (PublicKeys pk : neighbours) {
            int id = pk.getClientId();
            if (!neighbourhood.contains(id)) throw new SecAggProtocolException("client " + id + " is not a neighbour of " + clientId);
            if (neighbourKeys.containsKey(id)) throw new SecAggProtocolException("keys of client " + id + " listed twice");
            X25519.checkLength("encryption key of client " + id, pk.getEncryptionPublicKey().toByteArray());
            X25519.checkLength("masking key of client " + id, pk.getMaskingPublicKey().toByteArray());
            if (!distinct.add(pk.getEncryptionPublicKey()) || !distinct.add(pk.getMaskingPublicKey())) {
                throw new SecAggProtocolException("public keys are not all distinct (client " + id + ")");
            }
            neighbourKeys.put(id, pk);
        }
        PublicKeys own = neighbourKeys.get(clientId);
        if (own == null || !Arrays.equals(own.getEncryptionPublicKey().toByteArray(), encryptionKeys.publicKey())
                || !Arrays.equals(own.getMaskingPublicKey().toByteArray(), maskingKeys.publicKey())) {
            throw new SecAggProtocolException("the coordinator did not echo client " + clientId + "'s own keys");
        }
        if (neighbourKeys.size() < params.threshold()) {
            throw new SecAggProtocolException("only " + neighbourKeys.size() + " neighbours advertised keys, threshold is " + params.threshold());
        }
        selfMaskSeed = new byte[32];
        random.nextBytes(selfMaskSeed);
        int[] ids = neighbourKeys.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[] xs = Arrays.stream(ids).map(id -> id + 1).toArray();
        List<ShamirSecretSharing.Share> seedShares = ShamirSecretSharing.split(selfMaskSeed, params.threshold(), xs, random);
        List<ShamirSecretSharing.Share> keyShares = ShamirSecretSharing.split(maskingKeys.privateKey(), params.threshold(), xs, random);
        ShareKeysResponse.Builder out = ShareKeysResponse.newBuilder();
        for (int k = 0; k < ids.length; k++) {
            int j = ids[k];
            if (j == clientId) {
                seedSharesHeld.put(clientId, seedShares.get(k).y());
                keySharesHeld.put(clientId, keyShares.get(k).y());
                continue;
            }
            byte[] key = KeyDerivation.shareEncryptionKey(
                    X25519.agree(encryptionKeys.privateKey(), neighbourKeys.get(j).getEncryptionPublicKey().toByteArray()),
                    params.roundId(), clientId, j);
            byte[] plain = new ShareBundle(clientId, j, params.roundId(), seedShares.get(k).y(), keyShares.get(k).y()).encode();
            byte[] sealed = ShareCipher.seal(key, KeyDerivation.shareAssociatedData(params.roundId(), clientId, j), plain, random);
            out.addShares(EncryptedShare.newBuilder().setSenderId(clientId).setReceiverId(j).setCiphertext(ByteString.copyFrom(sealed)));
        }
        return out.build();
    }

    private MaskedInputResponse maskedInput(List<EncryptedShare> shares) {
        sharers.add(clientId);
        for (EncryptedShare s : shares) {
            int from = s.getSenderId();
            if (s.getReceiverId() != clientId) throw new SecAggProtocolException("share for client " + s.getReceiverId() + " delivered to " + clientId);
            if (from == clientId || !neighbourKeys.containsKey(from)) {
                throw new SecAggProtocolException("share from client " + from + ", who is not a neighbour that advertised keys");
            }
            if (!sharers.add(from)) throw new SecAggProtocolException("two shares from client " + from);
            byte[] key = KeyDerivation.shareEncryptionKey(
                    X25519.agree(encryptionKeys.privateKey(), neighbourKeys.get(from).getEncryptionPublicKey().toByteArray()),
                    params.roundId(), clientId, from);
            ShareBundle bundle = ShareBundle.decode(ShareCipher.open(key,
                    KeyDerivation.shareAssociatedData(params.roundId(), from, clientId), s.getCiphertext().toByteArray()));
            if (bundle.sender() != from || bundle.receiver() != clientId || bundle.roundId() != params.roundId()) {
                throw new SecAggProtocolException("share bundle from " + from + " names sender " + bundle.sender()
                        + ", receiver " + bundle.receiver() + ", round " + bundle.roundId());
            }
            seedSharesHeld.put(from, bundle.seedShare());
            keySharesHeld.put(from, bundle.keyShare());
        }
        if (sharers.size() < params.threshold()) {
            throw new SecAggProtocolException("only " + sharers.size() + " neighbours (self included) shared keys, threshold is " + params.threshold());
        }
        int[] y = input.get();
        input = null; // one masked input per round
        if (y == null || y.length != inputLength) {
            throw new SecAggProtocolException("client " + clientId + " produced an input of " + (y == null ? "null" : y.length)
                    + " words, expected " + inputLength);
        }
        List<byte[]> seeds = new ArrayList<>();
        List<Integer> signs = new ArrayList<>();
        seeds.add(selfMaskSeed);
        signs.add(1);
        for (int j : sharers) {
            if (j == clientId) continue;
            seeds.add(KeyDerivation.pairwiseMaskSeed(
                    X25519.agree(maskingKeys.privateKey(), neighbourKeys.get(j).getMaskingPublicKey().toByteArray()),
                    params.roundId(), clientId, j));
            signs.add(clientId < j ? 1 : -1);
        }
        Masks.applyAll(y, seeds, signs.stream().mapToInt(Integer::intValue).toArray());
        // The seed is no longer needed here; its shares are what the coordinator may reconstruct.
        Arrays.fill(selfMaskSeed, (byte) 0);
        return MaskedInputResponse.newBuilder().setMaskedVector(VectorCodec.encode(y)).build();
    }

    private UnmaskResponse unmask(UnmaskRequest request) {
        Set<Integer> survivors = idSet(request.getSurvivorsList(), "survivor");
        Set<Integer> dropped = idSet(request.getDroppedList(), "dropped");
        for (int id : survivors) {
            if (dropped.contains(id)) throw new SecAggProtocolException("client " + id + " is listed both as survivor and as dropped");
        }
        if (!survivors.contains(clientId)) throw new SecAggProtocolException("client " + clientId + " is not listed as a survivor");
        List<Integer> seedOwners = new ArrayList<>();
        List<Integer> keyOwners = new ArrayList<>();
        for (int j : sharers) {
            if (survivors.contains(j)) seedOwners.add(j);
            else if (dropped.contains(j)) keyOwners.add(j);
            else throw new SecAggProtocolException("neighbour " + j + " is neither survivor nor dropped");
        }
        if (seedOwners.size() < params.threshold()) {
            throw new SecAggProtocolException("only " + seedOwners.size() + " neighbours survived, threshold is " + params.threshold());
        }
        UnmaskResponse.Builder out = UnmaskResponse.newBuilder();
        for (int j : seedOwners) {
            out.addSelfMaskSeedShares(RevealedShare.newBuilder().setOwnerId(j)
                    .setShare(ByteString.copyFrom(ShamirSecretSharing.encodeValue(seedSharesHeld.get(j)))));
        }
        for (int j : keyOwners) {
            out.addMaskingKeyShares(RevealedShare.newBuilder().setOwnerId(j)
                    .setShare(ByteString.copyFrom(ShamirSecretSharing.encodeValue(keySharesHeld.get(j)))));
        }
        return out.build();
    }

    private Set<Integer> idSet(List<Integer> ids, String what) {
        Set<Integer> out = new HashSet<>();
        for (int id : ids) {
            if (!params.includes(id)) throw new SecAggProtocolException(what + " client " + id + " is not in the round");
            if (!out.add(id)) throw new SecAggProtocolException(what + " client " + id + " listed twice");
        }
        return out;
    }
}
