#Requires -Version 5.1
<#
.SYNOPSIS
    Read-only inventory of an Exchange organisation for ExScope (CVE-2025-53786 / CISA ED 25-02).

.DESCRIPTION
    Run in the Exchange Management Shell (Windows PowerShell 5.1) by an account that can run the
    Get-* cmdlets below. It only reads: no Set-, New- or Remove- cmdlet is called. It writes one
    UTF-8 JSON file in the format of schemas/inventory-v1.schema.json ("exscope.inventory/1"),
    holding no secrets: thumbprints, dates, names and builds only.

    Sources, each checked against Microsoft's documentation:
      Get-OrganizationConfig  https://learn.microsoft.com/powershell/module/exchange/get-organizationconfig  (Name, Guid)
      Get-ExchangeServer      https://learn.microsoft.com/powershell/module/exchange/get-exchangeserver      (Name, Fqdn, ServerRole, IsEdgeServer, AdminDisplayVersion)
      ExSetup.exe file version: https://learn.microsoft.com/exchange/new-features/build-numbers-and-release-dates
                              ("Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo }": AdminDisplayVersion does not change with SUs/HUs)
      Get-AuthConfig          https://learn.microsoft.com/powershell/module/exchange/get-authconfig          (CurrentCertificateThumbprint, NextCertificateThumbprint,
                                                                                                           NextCertificateEffectiveDate, PreviousCertificateThumbprint, Realm, ServiceName)
      Get-ExchangeCertificate https://learn.microsoft.com/powershell/module/exchange/get-exchangecertificate  (Thumbprint, Subject, NotBefore, NotAfter; -Server)
      Get-AuthServer          https://learn.microsoft.com/powershell/module/exchange/get-authserver          (Name, Type, Realm, ApplicationIdentifier, Enabled, DomainName)
      Get-PartnerApplication  https://learn.microsoft.com/powershell/module/exchange/get-partnerapplication  (Name, ApplicationIdentifier, Realm, Enabled)
      Get-SettingOverride     https://learn.microsoft.com/powershell/module/exchange/get-settingoverride     (Name, ComponentName, SectionName, Parameters, Server)
      Get-HybridConfiguration https://learn.microsoft.com/powershell/module/exchange/get-hybridconfiguration (Features, Domains)
      Get-IntraOrganizationConnector https://learn.microsoft.com/powershell/module/exchange/get-intraorganizationconnector (Name, Enabled, DiscoveryEndpoint)
      Get-OrganizationRelationship   https://learn.microsoft.com/powershell/module/exchange/get-organizationrelationship   (Name, Enabled, TargetAutodiscoverEpr, TargetSharingEpr)
    ApplicationIdentifier on Get-AuthServer exists from the April 2025 hotfix (Set-AuthServer docs); on older builds it is absent and written as null.

.PARAMETER OutFile
    Where to write the JSON. Default: .\exscope-inventory.json

.EXAMPLE
    .\Get-ExScopeInventory.ps1 -OutFile C:\Temp\inventory.json
    exscope assess --inventory C:\Temp\inventory.json --tenant <tenant> --client-id <id> --certificate app.pem
#>
[CmdletBinding()]
param(
    [string]$OutFile = ".\exscope-inventory.json"
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = "Stop"

function Get-Text($value) { if ($null -eq $value) { return $null } return [string]$value }
function Get-Iso($value) { if ($null -eq $value) { return $null } return ([datetime]$value).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ") }
function Get-List($values) { return @(@($values) | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ }) }

$org = Get-OrganizationConfig

# Servers: the real build is ExSetup.exe's file version on each server (read remotely; offline servers keep AdminDisplayVersion only).
$servers = @()
foreach ($server in @(Get-ExchangeServer)) {
    $version = $null
    $online = $true
    try {
        $version = Invoke-Command -ComputerName $server.Fqdn -ErrorAction Stop -ScriptBlock {
            (Get-Command ExSetup.exe -ErrorAction Stop).FileVersionInfo.FileVersion
        }
    } catch {
        $online = $false
        Write-Warning "Could not read ExSetup.exe on $($server.Name): $($_.Exception.Message)"
    }
    $servers += [ordered]@{
        name                = [string]$server.Name
        roles               = Get-List ([string]$server.ServerRole -split ",\s*")
        isEdge              = [bool]$server.IsEdgeServer
        exSetupVersion      = Get-Text $version
        adminDisplayVersion = Get-Text $server.AdminDisplayVersion
        online              = $online
    }
}

$auth = Get-AuthConfig
$authConfig = [ordered]@{
    currentCertificateThumbprint  = Get-Text $auth.CurrentCertificateThumbprint
    nextCertificateThumbprint     = Get-Text $auth.NextCertificateThumbprint
    nextCertificateEffectiveDate  = Get-Iso $auth.NextCertificateEffectiveDate
    previousCertificateThumbprint = Get-Text $auth.PreviousCertificateThumbprint
    realm                         = Get-Text $auth.Realm
    serviceName                   = Get-Text $auth.ServiceName
}

# The auth certificates' public facts, from the first server that has each (no private key is touched).
$authCertificates = @()
foreach ($thumbprint in @($auth.CurrentCertificateThumbprint, $auth.NextCertificateThumbprint) | Where-Object { $_ }) {
    foreach ($server in @($servers | Where-Object { -not $_.isEdge -and $_.online })) {
        $certificate = Get-ExchangeCertificate -Server $server.name -Thumbprint $thumbprint -ErrorAction SilentlyContinue
        if ($certificate) {
            $authCertificates += [ordered]@{
                thumbprint = [string]$certificate.Thumbprint
                subject    = [string]$certificate.Subject
                notBefore  = Get-Iso $certificate.NotBefore
                notAfter   = Get-Iso $certificate.NotAfter
                server     = $server.name
            }
            break
        }
    }
}

$authServers = @(Get-AuthServer | ForEach-Object {
    $appId = $null
    if ($_.PSObject.Properties["ApplicationIdentifier"]) { $appId = Get-Text $_.ApplicationIdentifier }
    [ordered]@{
        name                  = [string]$_.Name
        type                  = Get-Text $_.Type
        realm                 = Get-Text $_.Realm
        applicationIdentifier = $appId
        enabled               = [bool]$_.Enabled
        domainName            = Get-List $_.DomainName
    }
})

$partnerApplications = @(Get-PartnerApplication | ForEach-Object {
    [ordered]@{ name = [string]$_.Name; applicationIdentifier = Get-Text $_.ApplicationIdentifier; realm = Get-Text $_.Realm; enabled = [bool]$_.Enabled }
})

$settingOverrides = @(Get-SettingOverride | ForEach-Object {
    [ordered]@{
        name          = [string]$_.Name
        componentName = [string]$_.ComponentName
        sectionName   = [string]$_.SectionName
        parameters    = Get-List $_.Parameters
        server        = Get-List $_.Server
    }
})

$hybrid = Get-HybridConfiguration
$hybridConfiguration = $null
if ($hybrid) {
    $hybridConfiguration = [ordered]@{ features = Get-List $hybrid.Features; domains = Get-List $hybrid.Domains }
}

$connectors = @(Get-IntraOrganizationConnector | ForEach-Object {
    [ordered]@{ name = [string]$_.Name; enabled = [bool]$_.Enabled; discoveryEndpoint = Get-Text $_.DiscoveryEndpoint }
})

$relationships = @(Get-OrganizationRelationship | ForEach-Object {
    [ordered]@{
        name                  = [string]$_.Name
        enabled               = [bool]$_.Enabled
        targetAutodiscoverEpr = Get-Text $_.TargetAutodiscoverEpr
        targetSharingEpr      = Get-Text $_.TargetSharingEpr
    }
})

$inventory = [ordered]@{
    schema                      = "exscope.inventory/1"
    source                      = "collector"
    collectedAt                 = (Get-Date).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ")
    collector                   = "Get-ExScopeInventory.ps1 1.0"
    organization                = [ordered]@{ name = [string]$org.Name; guid = [string]$org.Guid }
    servers                     = @($servers)
    authConfig                  = $authConfig
    authCertificates            = @($authCertificates)
    authServers                 = @($authServers)
    partnerApplications         = @($partnerApplications)
    settingOverrides            = @($settingOverrides)
    hybridConfiguration         = $hybridConfiguration
    intraOrganizationConnectors = @($connectors)
    organizationRelationships   = @($relationships)
}

# ConvertTo-Json in 5.1 may still unwrap one-element arrays; ExScope accepts both forms.
$json = $inventory | ConvertTo-Json -Depth 6
$path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
[System.IO.File]::WriteAllText($path, $json, (New-Object System.Text.UTF8Encoding $false))
Write-Host "Wrote ${path}: $($servers.Count) server(s). Next: exscope assess --inventory $path"
