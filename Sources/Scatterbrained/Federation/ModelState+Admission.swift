import SBWire

extension ModelState {
    /// Why `node` must refuse this model from `sender`, or nil when it may merge it: the checks
    /// every exchange mode makes before looking at rounds.
    ///
    /// - Parameter reference: the model this one must line up with; nil skips that check, for a
    ///   model kept until a later round (checked again when it is merged).
    func rejection(from sender: NodeID, to node: NodeID, policy: ExchangePolicy, reference: ModelParameters?)
        -> UpdateRejection?
    {
        guard origin == sender else { return .originMismatch(claimed: origin) }
        guard policy.mayReceive(from: sender, to: node) else { return .notAllowed }
        do {
            try reference?.checkCompatible(with: parameters)
        } catch {
            return .incompatible(error)
        }
        return nil
    }
}
