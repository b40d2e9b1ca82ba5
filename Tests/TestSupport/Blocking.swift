import Dispatch

/// Runs `work`, which blocks (starts a process and reads its pipe until it is ready), on a Dispatch
/// thread, so the test's task waits without holding one of the few cooperative threads that every
/// other test running at the same time needs.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
