import Dispatch

/// Runs `work`, which blocks (starts a process and reads its pipe until it is ready), on a Dispatch
/// thread, so the test's task waits without holding one of the few cooperative threads that every
/// other test running at the same time needs: on this 2-core machine two blocked tests stall every
/// other test's tasks, and in-process tests with deadlines then time out. So everything in
/// TestSupport that starts or waits for a process is `async` and goes through here.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
