/**
 * Key storage for encrypted diagnosis: the server's expiring, size-capped store of clients'
 * evaluation keys, and the client's own key directory with its owner-only secret key.
 */
package org.privmed.infer.keys;
