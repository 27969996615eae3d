package org.privmed.fl.aggregate;

import java.util.Locale;
import org.privmed.fl.secagg.SecAggAbortedException;
import org.privmed.fl.secagg.SecAggResult;

/**
 * What one SecAgg+ round did with its clients: how many answered each stage (U1 ⊇ U2 ⊇ U3 ⊇ U5 in
 * Bell et al. 2020's notation; the inputs of U3 are in the sum), how many the simulation silenced on
 * purpose, and whether the unmasked sum was checked against the plain sum of the contributors'
 * quantized inputs (possible only in process, where the simulator holds every input).
 *
 * @param sampled clients that entered the protocol
 * @param silenced of them, how many were made to go silent by injection (0 outside the simulation)
 * @param advertised answered the key advertisement (U1)
 * @param sharedKeys answered the share-keys request (U2)
 * @param maskedInputs whose masked inputs are in the sum (U3)
 * @param unmaskers answered the unmask request
 * @param sumChecked the unmasked sum was compared with the plain sum of U3's inputs and equalled it
 * @param aborted why the round was abandoned without an aggregate, or null when it completed (the
 *     counts are then 0: an aborted round releases nothing)
 */
public record SecAggTally(int sampled, int silenced, int advertised, int sharedKeys, int maskedInputs, int unmaskers,
                          boolean sumChecked, String aborted) {

    static SecAggTally completed(int sampled, int silenced, SecAggResult r, boolean sumChecked) {
        return new SecAggTally(sampled, silenced, r.advertised(), r.sharedKeys(), r.contributors().length, r.unmaskers(), sumChecked, null);
    }

    /** A round abandoned by {@code e}; {@code silenced} of its {@code sampled} clients were silenced on purpose. */
    public static SecAggTally aborted(int sampled, int silenced, SecAggAbortedException e) {
        return new SecAggTally(sampled, silenced, 0, 0, 0, 0, false, e.getMessage());
    }

    /** "10 clients, 3 silenced; answered 10 / 10 / 10 / 7 (keys, shares, masked inputs, unmask); sum of 10 = plain sum". */
    public String describe() {
        if (aborted != null) return String.format(Locale.ROOT, "%d clients, %d silenced; %s", sampled, silenced, aborted);
        return String.format(Locale.ROOT, "%d clients, %d silenced; answered %d / %d / %d / %d (keys, shares, masked inputs, unmask); "
                        + "sum of %d %s", sampled, silenced, advertised, sharedKeys, maskedInputs, unmaskers, maskedInputs,
                sumChecked ? "= plain sum" : "(not checkable here)");
    }
}
