package org.privmed.fl.transport;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.privmed.fl.federated.DpMode;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.transport.proto.Ack;
import org.privmed.fl.transport.proto.FederatedCoordinatorGrpc;
import org.privmed.fl.transport.proto.RegisterRequest;
import org.privmed.fl.transport.proto.Task;
import org.privmed.fl.transport.proto.TaskRequest;
import org.privmed.fl.transport.proto.Update;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/**
 * A hospital's side of the gRPC transport: registers with the coordinator, then pulls tasks,
 * runs {@link FederatedClient#fit} — the same code the simulation runs — and submits the update,
 * until the coordinator says training is over.
 */
public final class FederatedClientRunner {
    private FederatedClientRunner() {}

    /**
     * @param target host:port of the coordinator
     * @param tls the coordinator's CA (and this client's cert/key for mTLS), or null for plaintext
     * @return rounds this client trained in
     */
    public static int run(String target, FederatedClient client, TlsFiles tls, PrintStream out) throws IOException, InterruptedException {
        ChannelCredentials creds;
        if (tls == null) {
            creds = InsecureChannelCredentials.create();
        } else {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (tls.trustedCa() != null) b.trustManager(tls.trustedCa().toFile());
            if (tls.certChain() != null) b.keyManager(tls.certChain().toFile(), tls.privateKey().toFile());
            creds = b.build();
        }
        ManagedChannel channel = Grpc.newChannelBuilder(target, creds).maxInboundMessageSize(256 << 20).build();
        try {
            var stub = FederatedCoordinatorGrpc.newBlockingStub(channel);
            int planned = stub.register(RegisterRequest.newBuilder().setClientId(client.clientId())
                    .setNumExamples(client.numExamples()).build()).getPlannedRounds();
            say(out, "client %d registered with %s (%d examples, %d rounds planned)", client.clientId(), target, client.numExamples(), planned);
            int trained = 0;
            while (true) {
                Task t = stub.nextTask(TaskRequest.newBuilder().setClientId(client.clientId()).build());
                if (t.getDone()) break;
                if (t.getRound() == 0) continue; // nothing for us yet
                Model global = ModelFile.fromBytes(t.getModel().toByteArray(), "round " + t.getRound() + " model from " + target);
                FederatedSettings s = settingsOf(t, planned);
                FederatedClient.LocalResult r = client.fit(global, t.getRound(), s, t.getNoiseMultiplier());
                Ack ack = stub.submitUpdate(Update.newBuilder().setClientId(client.clientId()).setRound(t.getRound())
                        .setDelta(FloatVectors.encode(r.update().delta())).setNumExamples(client.numExamples())
                        .setTrainLoss(r.trainLoss()).build());
                if (!ack.getAccepted()) say(out, "client %d: round %d update refused: %s", client.clientId(), t.getRound(), ack.getReason());
                else trained++;
                say(out, "client %d: round %d done, loss %.4f", client.clientId(), t.getRound(), r.trainLoss());
            }
            return trained;
        } finally {
            channel.shutdown();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The settings a task implies for local work; fields the client does not use get neutral values. */
    private static FederatedSettings settingsOf(Task t, int planned) {
        DpMode dp;
        try {
            dp = DpMode.valueOf(t.getDp());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task for round " + t.getRound() + " names an unknown DP mode '" + t.getDp() + "'", e);
        }
        double z = dp == DpMode.NONE ? 0 : t.getNoiseMultiplier();
        return new FederatedSettings(Math.max(1, planned), 1.0, t.getLocalEpochs(), t.getBatchSize(), t.getLearningRate(), 1, dp,
                t.getClipNorm(), z, Double.NaN, 1e-5, false, 0, 0, t.getSeed(), 1);
    }

    private static void say(PrintStream out, String fmt, Object... args) {
        if (out != null) out.println(String.format(Locale.ROOT, fmt, args));
    }
}
