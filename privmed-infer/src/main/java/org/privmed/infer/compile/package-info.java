/**
 * The HE compiler's entry points: {@link org.privmed.infer.compile.HeCompiler#compile} turns a
 * trained model, a {@link org.privmed.infer.compile.Packing} and calibration images into an
 * {@link org.privmed.infer.compile.HeProgram} (parameters, levels, rotations, predicted error),
 * which client and server share as bytes.
 */
package org.privmed.infer.compile;
