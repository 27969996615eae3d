package org.privmed.fl.secagg;

import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.ServerMessage;

/** The four stages of a SecAgg+ round, in order. */
public enum SecAggStage {
    ADVERTISE_KEYS(ServerMessage.BodyCase.ADVERTISE_KEYS, ClientMessage.BodyCase.KEY_ADVERTISEMENT),
    SHARE_KEYS(ServerMessage.BodyCase.SHARE_KEYS, ClientMessage.BodyCase.SHARE_KEYS),
    COLLECT_MASKED_INPUTS(ServerMessage.BodyCase.MASKED_INPUT, ClientMessage.BodyCase.MASKED_INPUT),
    UNMASK(ServerMessage.BodyCase.UNMASK, ClientMessage.BodyCase.UNMASK);

    private final ServerMessage.BodyCase request;
    private final ClientMessage.BodyCase reply;

    SecAggStage(ServerMessage.BodyCase request, ClientMessage.BodyCase reply) {
        this.request = request;
        this.reply = reply;
    }

    /** The body a client's answer to this stage's request carries. */
    public ClientMessage.BodyCase replyBody() { return reply; }

    /** The stage a coordinator request belongs to. */
    public static SecAggStage of(ServerMessage m) {
        for (SecAggStage s : values()) if (s.request == m.getBodyCase()) return s;
        throw new SecAggProtocolException("coordinator message for round " + m.getRoundId() + " has no body");
    }
}
