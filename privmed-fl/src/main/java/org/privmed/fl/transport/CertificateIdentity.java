package org.privmed.fl.transport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Under mutual TLS, binds each call to the hospital its client certificate names: the subject's
 * common name must be {@code hospital-<id>}, and {@link CoordinatorService} lets the call speak
 * only for that id. Without this, any hospital holding a valid certificate could register, train,
 * or answer SecAgg+ requests under another's id — in SecAgg+ that would let one hospital play
 * several neighbours of a victim and collect enough Shamir shares to unmask it.
 *
 * <p>The TLS layer has already verified the chain against the configured CA; this interceptor only
 * reads the verified leaf certificate's subject.
 */
final class CertificateIdentity implements ServerInterceptor {
    /** The hospital id the caller's certificate names; unset on a server without mutual TLS. */
    static final Context.Key<Integer> CLIENT_ID = Context.key("privmed-certified-client-id");
    private static final Pattern HOSPITAL = Pattern.compile("hospital-(0|[1-9][0-9]{0,8})");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String refusal;
        try {
            int id = hospitalId(peerCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
            return Contexts.interceptCall(Context.current().withValue(CLIENT_ID, id), call, headers, next);
        } catch (IllegalArgumentException e) {
            refusal = e.getMessage();
        }
        call.close(Status.PERMISSION_DENIED.withDescription(refusal), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private static X509Certificate peerCertificate(SSLSession session) {
        if (session == null) throw new IllegalArgumentException("mutual TLS is required, but the call came without a TLS session");
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
                throw new IllegalArgumentException("the client presented no X.509 certificate");
            }
            return x;
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalArgumentException("the client presented no verified certificate", e);
        }
    }

    /** The id in the certificate's subject {@code CN=hospital-<id>}; names the subject when it holds none. */
    static int hospitalId(X509Certificate cert) {
        String subject = cert.getSubjectX500Principal().getName();
        String cn = null;
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    if (cn != null) throw new IllegalArgumentException("certificate subject '" + subject + "' has more than one CN");
                    cn = rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("certificate subject '" + subject + "' does not parse: " + e.getMessage(), e);
        }
        Matcher m = cn == null ? null : HOSPITAL.matcher(cn);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("certificate subject '" + subject + "' names no hospital (expected CN=hospital-<id>)");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Null when the current call may speak for {@code claimedId} (always, without mutual TLS);
     * otherwise the reason it may not.
     */
    static String refusal(int claimedId) {
        Integer certified = CLIENT_ID.get();
        if (certified == null || certified == claimedId) return null;
        return "the certificate of hospital-" + certified + " may only speak as client " + certified + ", not as client " + claimedId;
    }
}
