/** Slot layouts of the latency packing: hybrid diagonals with baby-step/giant-step rotations. */
package org.privmed.infer.packing;
