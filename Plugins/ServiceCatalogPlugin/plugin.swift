import PackagePlugin

/// Generates the provisioner's list of services from the declarations in Sources/provisioner/Services,
/// so adding a service is its file and its values, and no list to edit.
@main
struct ServiceCatalogPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let declarations = target.sourceFiles(withSuffix: "swift")
            .map(\.url)
            .filter { $0.deletingLastPathComponent().lastPathComponent == "Services" }
        let output = context.pluginWorkDirectoryURL.appending(path: "ServiceCatalog+declared.swift")
        return [
            .buildCommand(
                displayName: "Listing the services declared in \(target.name)",
                executable: try context.tool(named: "ServiceCatalogGenerator").url,
                arguments: [output.path()] + declarations.map { $0.path() },
                inputFiles: declarations,
                outputFiles: [output]
            )
        ]
    }
}
