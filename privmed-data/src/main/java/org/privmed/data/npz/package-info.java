/** NumPy .npy/.npz parsing and the MedMNIST v2 2-D file layout. */
package org.privmed.data.npz;
