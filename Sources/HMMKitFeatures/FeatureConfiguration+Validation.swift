extension FeatureConfiguration {
    /// Checks every field against its valid range and ``InputLimits`` before anything is sized
    /// from it; a configuration decoded from a file or built from options must pass this first.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` naming the field and its value.
    public func validate() throws(FeatureError) {
        // Filled in by the front-end hardening work.
    }
}
