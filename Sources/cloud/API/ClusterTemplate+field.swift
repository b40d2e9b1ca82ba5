import ServerSupport

/// A template a request gives in `field`: its mistakes are 400s naming that field.
extension ClusterTemplate {
    init(_ text: String, field: String) throws(APIError) {
        do throws(ClusterTemplate.Failure) {
            try self.init(text)
        } catch {
            throw .badRequest("\(field) \(error.reason)", field: field)
        }
    }

    /// Rendered for `cluster`; a variable the cluster lacks is a 400 naming the field.
    func render(for cluster: Facts, field: String) throws(APIError) -> String {
        do throws(ClusterTemplate.Failure) {
            return try render(for: cluster)
        } catch {
            throw .badRequest("\(field): \(error.reason)", field: field)
        }
    }
}
