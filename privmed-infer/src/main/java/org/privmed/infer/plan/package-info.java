/**
 * Lowering of a model into linear and polynomial stages, with batch norms and activation scales
 * folded, and the client-side input layouts (identity, im2col).
 */
package org.privmed.infer.plan;
