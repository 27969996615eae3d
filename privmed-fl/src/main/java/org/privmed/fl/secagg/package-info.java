/**
 * SecAgg+ secure aggregation (Bell, Bonawitz, Gascón, Lepoint, Raykova, "Secure Single-Server
 * Aggregation with (Poly)Logarithmic Overhead", CCS 2020), semi-honest variant, with Flower's
 * SecAggPlusWorkflow / secaggplus_mod as the reference behaviour: four stages, a k-regular neighbour
 * graph, Shamir threshold t, AES-GCM-encrypted shares relayed by the coordinator, PRG masks mod 2³².
 *
 * <p>Primitives live in small classes of their own ({@link org.privmed.fl.secagg.ShamirSecretSharing},
 * {@link org.privmed.fl.secagg.X25519}, {@link org.privmed.fl.secagg.Hkdf},
 * {@link org.privmed.fl.secagg.ShareCipher}, {@link org.privmed.fl.secagg.Masks},
 * {@link org.privmed.fl.secagg.StochasticQuantizer}, {@link org.privmed.fl.secagg.NeighbourGraph});
 * the protocol is the pair of state machines {@link org.privmed.fl.secagg.SecAggPlusClient} and
 * {@link org.privmed.fl.secagg.SecAggPlusServer}, which exchange the protobuf messages of
 * {@code secaggplus.proto} so the gRPC transport can carry them unchanged.
 */
package org.privmed.fl.secagg;
