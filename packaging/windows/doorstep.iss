; Inno Setup script for Doorstep on Windows: a per-user install (no administrator rights), a
; Start-menu shortcut, an optional desktop shortcut, and an entry in Settings > Apps to uninstall.
; Build the bundle first on a Windows machine, then compile this script:
;   pyinstaller --noconfirm packaging\doorstep.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\doorstep.iss
; The installer appears as dist\Doorstep-0.1.0-setup.exe. NOT built or tested in this project's CI
; (which runs on Linux); see packaging/README.md.

#define AppName "Doorstep"
#define AppVersion "0.1.0"
#define Bundle "..\..\dist\doorstep"

[Setup]
; A fixed AppId keeps upgrades and the uninstaller pointing at the same install. Never change it.
AppId={{6B3F2C1E-7D4A-4E8B-9C51-2A0F5D8E3B47}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Doorstep
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=Doorstep-{#AppVersion}-setup
SetupIconFile=doorstep.ico
UninstallDisplayIcon={app}\doorstepw.exe
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Officers' cases live in %APPDATA%\Doorstep, outside {app}: uninstalling never deletes them.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: doorstep.exe (command line), doorstepw.exe (the app, no console)
; and _internal\.
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\doorstepw.exe"; WorkingDir: "{userdocs}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\doorstepw.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\doorstepw.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; PyInstaller leaves no files behind at run time; remove the folder if it is empty.
Type: dirifempty; Name: "{app}"
