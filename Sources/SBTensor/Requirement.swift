/// Stops the program with `message` when `condition` is false.
///
/// Used instead of `precondition` for mistakes in how the API is called (shapes that cannot
/// combine, sizes out of range): optimized builds drop a `precondition`'s message, and the message
/// is what tells a user which shape was wrong.
@inlinable
package func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
