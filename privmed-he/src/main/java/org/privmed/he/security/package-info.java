/**
 * Security of parameter sets: the HomomorphicEncryption.org bounds on log2(QP) per ring degree and
 * level ({@link org.privmed.he.security.SecurityTable}) and the exception that refuses a set beyond
 * them.
 */
package org.privmed.he.security;
