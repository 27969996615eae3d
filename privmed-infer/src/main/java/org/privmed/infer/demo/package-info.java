/** {@code privmed demo}: the whole encrypted diagnosis (compile, serve, keygen, classify, report) in one process. */
package org.privmed.infer.demo;
