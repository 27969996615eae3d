/** Seeded hold-out splits and stratified k-fold cross-validation, as row indices. */
package org.privmed.data.split;
